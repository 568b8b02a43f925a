using System.Buffers.Binary;
using System.Text.Json;
using System.Text.RegularExpressions;
using Imguard.Testing;
using StbImageWriteSharp;

namespace Imguard.SystemTests.Security;

/// <summary>
/// Issue 14, items 3 and 4, replayed against the real <c>imguard</c> executable: an image folder with cut-off JPEGs and
/// PNGs and a PNG whose header claims 65535×65535 pixels (each skipped with a plain sentence, never shared as a flat
/// grey image), a bad or cut IDX file, a missing, empty or wholly broken folder, an unreadable profile and a platform
/// that is not there. Every failure is one line and a non-zero exit code: no "Unhandled exception", no stack trace,
/// no source path, no C# record syntax.
/// </summary>
public sealed class HostileFileAttackTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "imguard-hostile-" + Guid.NewGuid().ToString("N"));

    public HostileFileAttackTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Write(string relative, byte[] bytes)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public async Task Cut_off_and_oversized_images_are_skipped_with_a_sentence_each_and_the_rest_is_shared()
    {
        byte[] photo = Jpeg(160, 120); // about 40 KB, mostly entropy-coded data, like a camera's JPEG
        byte[] png = Png(40, 40);
        Write("set/circle/a.png", Png(28, 28));
        Write("set/circle/b.jpg", Jpeg(30, 30));
        Write("set/square/c.png", Png(32, 20));
        string header = Write("set/circle/header-only.jpg", photo[..300]);
        string noEnd = Write("set/square/no-end.jpg", photo[..^1024]);
        string halfPng = Write("set/square/half.png", png[..(png.Length / 2)]);
        string huge = Write("set/square/huge.png", HugePng(65535, 65535));

        (int code, string output) = await ImguardProcess.RunAsync(Bound, "dataset", "share", "--images", Path.Combine(_root, "set"),
            "--shape", "1,28,28", "--out", Path.Combine(_root, "out"));

        Assert.True(code == 0, output);
        Assert.Contains($"stderr: skipped {header}: it is truncated: the JPEG ends before its end-of-image marker.", output, StringComparison.Ordinal);
        Assert.Contains($"stderr: skipped {noEnd}: it is truncated: the JPEG ends before its end-of-image marker.", output, StringComparison.Ordinal);
        Assert.Contains($"stderr: skipped {halfPng}: it is truncated: the PNG ends inside its IDAT chunk.", output, StringComparison.Ordinal);
        Assert.Contains($"stderr: skipped {huge}: it is too large (65535×65535 pixels; the limit is 40,000,000 pixels).", output, StringComparison.Ordinal);
        Assert.Contains("stderr: skipped 4 of 7 images; using the other 3", output, StringComparison.Ordinal);
        Assert.Matches(@"dataset ds-[0-9a-f]+: 3 images 1×28×28, 2 classes", output);
        NoCrash(output);
    }

    [Fact]
    public async Task Bad_inputs_each_print_one_line_and_exit_non_zero()
    {
        (string images, string labels) = IdxSquares.Write(Path.Combine(_root, "idx"), count: 20, offset: 0);
        byte[] imageBytes = await File.ReadAllBytesAsync(images);
        string badMagic = Write("bad.idx", [.. "not an IDX file"u8]);
        string cut = Write("cut.idx", imageBytes[..(imageBytes.Length / 2)]);
        string liar = Write("liar.idx", [.. imageBytes[..4], 0x00, 0x10, 0x00, 0x00, .. imageBytes[8..100]]); // 2^20 images in 84 bytes
        Directory.CreateDirectory(Path.Combine(_root, "empty", "class"));
        Write("broken/a/x.jpg", Jpeg(30, 30)[..200]);
        Write("broken/b/y.png", [0x89, .. "PNG"u8]);
        string notJson = Write("profile.json", [.. "{ not json"u8]);
        string output = Path.Combine(_root, "out");

        var cases = new (string[] Arguments, int Code, string Line)[]
        {
            (["dataset", "share", "--idx", badMagic, labels, "--out", output], 2, $"imguard: IDX file '{badMagic}' has bad magic 0x6E6F7420; expected 0x00000803"),
            (["dataset", "share", "--idx", cut, labels, "--out", output], 2, $"imguard: IDX file '{cut}' is truncated: the header announces 15680 data bytes, the file has 7832."),
            (["dataset", "share", "--idx", liar, labels, "--out", output], 2, $"imguard: IDX file '{liar}' is truncated"),
            (["dataset", "share", "--idx", images, badMagic, "--out", output], 2, $"imguard: IDX file '{badMagic}' has bad magic"),
            (["dataset", "share", "--images", Path.Combine(_root, "missing"), "--out", output], 2, $"imguard: Folder '{Path.Combine(_root, "missing")}' does not exist."),
            (["dataset", "share", "--images", Path.Combine(_root, "empty"), "--out", output], 2, "has class folders but no .png, .jpg, .jpeg, .bmp files in them."),
            (["dataset", "share", "--images", Path.Combine(_root, "broken"), "--out", output], 2, "imguard: None of the 2 images in"),
            (["dataset", "share", "--fashion-mnist", "validation", "--out", output], 2, "imguard: fashion-mnist is 'train' or 'test'."),
            (["project", "list", "--profile", notJson], 2, $"imguard: The profile at '{notJson}' is not a valid profile"),
            (["project", "list", "--profile", Path.Combine(_root, "none.json")], 2, "imguard: Not logged in"),
        };
        foreach ((string[] arguments, int expectedCode, string line) in cases)
        {
            (int code, string text) = await ImguardProcess.RunAsync(Bound, arguments);
            string context = $"imguard {string.Join(' ', arguments)}:\n{text}";
            Assert.True(code == expectedCode, context);
            string[] errors = [.. text.Split('\n').Where(l => l.StartsWith("stderr: imguard:", StringComparison.Ordinal))];
            Assert.True(errors.Length == 1 && errors[0].Contains(line, StringComparison.Ordinal), context);
            NoCrash(text);
        }
    }

    [Fact]
    public async Task A_platform_that_is_not_there_is_one_line_and_exit_code_3()
    {
        using TestDeployment deployment = TestDeployment.Create();
        string profile = FollowThroughRestartTests.WriteProfile(deployment, Path.Combine(_root, "profile.json"));
        (int code, string output) = await ImguardProcess.RunAsync(Bound, "project", "list", "--profile", profile);
        Assert.True(code == 3, output);
        Assert.Matches(new Regex(@"^stderr: imguard: cannot connect: Connection refused \(127\.0\.0\.1:\d+\)$", RegexOptions.Multiline), output);
        NoCrash(output);
    }

    internal static void NoCrash(string output)
    {
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain(".cs:line", output, StringComparison.Ordinal);
        Assert.DoesNotContain("a bug in IMGuard", output, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\w+ \{ \w+ = ", output); // C# record syntax, e.g. "ImageLoadError { FilePath = ..."
    }

    private static byte[] Png(int width, int height) => Encode(width, height, (w, data, s) => w.WritePng(data, width, height, ColorComponents.RedGreenBlue, s));

    private static byte[] Jpeg(int width, int height) => Encode(width, height, (w, data, s) => w.WriteJpg(data, width, height, ColorComponents.RedGreenBlue, s, 95));

    private static byte[] Encode(int width, int height, Action<ImageWriter, byte[], Stream> write)
    {
        var pixels = new byte[width * height * 3];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)((i * 73 + i / 3 * 151 + (i * i) % 97) % 256);
        }
        using var stream = new MemoryStream();
        write(new ImageWriter(), pixels, stream);
        return stream.ToArray();
    }

    // A whole PNG whose IHDR says width×height (its one IDAT holds a 1×1 image): only the header lies.
    private static byte[] HugePng(int width, int height)
    {
        byte[] real = Png(1, 1);
        byte[] ihdr = real[8..33];
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(8), width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(12), height);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(21), Crc32(ihdr.AsSpan(4, 17)));
        return [.. real[..8], .. ihdr, .. real[33..]];
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
            }
        }
        return ~crc;
    }
}
