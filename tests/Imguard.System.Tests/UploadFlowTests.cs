using System.Buffers.Binary;
using Imguard.Testing;

namespace Imguard.SystemTests;

/// <summary>
/// The owner's path through the real processes: <c>imguard up</c> (audit, platform, both parties), the printed admin
/// password into <c>imguard login</c>, <c>project create</c>, then <c>dataset upload</c> of a small IDX set, which
/// registers the dataset with the platform, uploads each half to its party under the platform's grant, and waits
/// until both parties' reports made it Ready.
/// </summary>
public class UploadFlowTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task An_owner_logs_in_creates_a_project_and_uploads_a_dataset_that_becomes_ready()
    {
        string root = Path.Combine(Path.GetTempPath(), "imguard-flow-" + Guid.NewGuid().ToString("N"));
        string data = Path.Combine(root, "deployment");
        string profile = Path.Combine(root, "profile.json");
        int basePort = TestDeployment.FreeBasePort();
        try
        {
            Directory.CreateDirectory(root);
            (string images, string labels) = WriteIdx(root, count: 40);
            await using ImguardProcess up = ImguardProcess.Start("up", "--data-dir", data, "--base-port", basePort.ToString());
            await up.WaitForLineAsync("IMGuard is up", Bound);
            string password = up.Output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("admin password: ", StringComparison.Ordinal))["admin password: ".Length..];

            (int login, string loginOutput) = await ImguardProcess.RunWithInputAsync(Bound, password + "\n",
                "login", "--profile", profile, "--data-dir", data, "--user", "admin", "--password-stdin");
            Assert.True(login == 0, loginOutput);
            Assert.DoesNotContain(password, loginOutput, StringComparison.Ordinal);

            (int created, string project) = await ImguardProcess.RunAsync(Bound, "project", "create", "--profile", profile, "--name", "flow");
            Assert.True(created == 0, project);
            string projectId = project.Split('\n').Last(l => Guid.TryParse(l.Trim(), out _)).Trim();

            (int uploaded, string upload) = await ImguardProcess.RunAsync(Bound, "dataset", "upload", "--profile", profile, "--project", projectId,
                "--name", "digits", "--idx", images, labels, "--work", Path.Combine(root, "work"));
            Assert.True(uploaded == 0, upload);
            Assert.Contains("Ready: 40 images", upload, StringComparison.Ordinal);

            up.Interrupt();
            Assert.Equal(0, await up.WaitForExitAsync(Bound));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    // A plain (not gzipped) IDX pair: 28×28 grey images with a bright square whose place depends on the label.
    private static (string Images, string Labels) WriteIdx(string folder, int count)
    {
        byte[] images = new byte[16 + count * 28 * 28];
        byte[] labels = new byte[8 + count];
        BinaryPrimitives.WriteInt32BigEndian(images, 0x00000803);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(8), 28);
        BinaryPrimitives.WriteInt32BigEndian(images.AsSpan(12), 28);
        BinaryPrimitives.WriteInt32BigEndian(labels, 0x00000801);
        BinaryPrimitives.WriteInt32BigEndian(labels.AsSpan(4), count);
        for (int i = 0; i < count; i++)
        {
            int label = i % 10;
            labels[8 + i] = (byte)label;
            for (int y = 0; y < 6; y++)
            {
                for (int x = 0; x < 6; x++)
                {
                    images[16 + i * 784 + (2 + label * 2 + y) * 28 + 2 + x + i % 7] = 255;
                }
            }
        }

        string imagesPath = Path.Combine(folder, "images-idx3-ubyte");
        string labelsPath = Path.Combine(folder, "labels-idx1-ubyte");
        File.WriteAllBytes(imagesPath, images);
        File.WriteAllBytes(labelsPath, labels);
        return (imagesPath, labelsPath);
    }
}
