using System.Net;
using System.Net.Http.Json;
using Imguard.Client.Datasets;
using Imguard.Client.Models;
using Imguard.Client.Platform;
using Imguard.Client.Uploads;
using Imguard.Contracts.Uploads;
using Imguard.Learning.Data;
using Imguard.Learning.Storage;
using Imguard.Testing;

namespace Imguard.Party.Tests.Security;

/// <summary>
/// The owner's machine holds both halves of a dataset before upload, the standardisation, both model shares after a
/// download and the API token: under the usual umask 022 each file <c>imguard</c> writes there is 0600 and each folder
/// it makes 0700. (Imguard.Client has no test project of its own; these sit where it is already referenced, with the
/// party it talks to.)
/// </summary>
public sealed class OwnerSideFileModeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public OwnerSideFileModeTests() => FileModes.UseUsualUmask();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Dataset_share_writes_both_halves_and_the_standardisation_owner_only_in_folders_it_makes_0700()
    {
        var images = new LabeledImages([.. Enumerable.Range(0, 6 * 4).Select(i => (float)(i % 7))], [0, 1, 2, 0, 1, 2], 1, 2, 2, ["a", "b", "c"]);
        string work = Path.Combine(_dir.Path, "imguard-shares", "ds-owner");
        (OwnerHalfFiles files, _) = await OwnerSharing.ShareAsync(images, "ds-owner", work, null, seedCompressParty0: false);
        FileModes.AssertTreeOwnerOnly(Path.Combine(_dir.Path, "imguard-shares"));
        Assert.Equal(3, Directory.GetFiles(work).Length);
        FileModes.AssertOwnerOnly(files.Party0Path);
        FileModes.AssertOwnerOnly(OwnerSharing.StandardizationPath(work, "ds-owner"));
    }

    [Fact]
    public async Task A_downloaded_model_share_is_owner_only_even_over_a_left_over_temp_file_others_could_read()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        string path = Path.Combine(_dir.Path, "job-1.party0.model");
        File.WriteAllBytes(path + ".download", [1, 2, 3]);
        File.SetUnixFileMode(path + ".download", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        using var party = new HttpClient(new Answering(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(new byte[100]) }))
        {
            BaseAddress = new Uri("https://party.invalid/"),
        };
        Assert.Equal(100, await new ModelDownloader(party).DownloadShareAsync("job-1", "grant", path));
        FileModes.AssertOwnerOnly(path);
    }

    [Fact]
    public async Task The_upload_state_kept_beside_a_half_to_resume_it_is_owner_only()
    {
        string share = Path.Combine(_dir.Path, "ds-up.party0.share");
        File.WriteAllBytes(share, new byte[500]);
        using var party = new HttpClient(new Answering(request => request.Method == HttpMethod.Post
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(new UploadStatusReply("u1", "ds-up", 500, 0, 100)) }
            : new HttpResponseMessage(HttpStatusCode.BadRequest)))
        {
            BaseAddress = new Uri("https://party.invalid/"),
        };
        // The first chunk is refused, so the upload stops with its state left behind for a later resume.
        await Assert.ThrowsAsync<HttpRequestException>(() => new ShareUploader(party, 0).UploadAsync(share, "ds-up", "grant"));
        FileModes.AssertOwnerOnly(share + ".upload-0.json");
    }

    [Fact]
    public void The_login_profile_and_its_new_folder_are_owner_only()
    {
        string path = Path.Combine(_dir.Path, "config", "imguard", "profile.json");
        new ClientProfile { Platform = new Uri("https://platform.invalid/"), CaCertificatePem = "", UserName = "owner", Token = "igt_x" }.Save(path);
        FileModes.AssertOwnerOnly(path);
        FileModes.AssertOwnerOnly(Path.GetDirectoryName(path)!);
        FileModes.AssertOwnerOnly(Path.Combine(_dir.Path, "config"));
    }

    /// <summary>A party that answers every request with what <paramref name="answer"/> makes (an in-memory fake).</summary>
    private sealed class Answering(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }
}
