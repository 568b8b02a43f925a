using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Imguard.Client.Datasets;
using Imguard.Client.Models;
using Imguard.Client.Platform;
using Imguard.Client.Storage;
using Imguard.Client.Uploads;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Uploads;
using Imguard.Learning.Data;
using Imguard.Learning.Storage;
using Imguard.Testing;

namespace Imguard.Party.Tests.Security;

/// <summary>
/// The owner's machine holds both halves of a dataset before upload, the standardisation, the recombined model (and
/// both model shares when the owner keeps them) and the API token: under the usual umask 022 each file <c>imguard</c>
/// writes there is 0600 and each folder it makes 0700, the owner folder's included. (Imguard.Client has no test project of its own; these sit where it is already referenced, with the
/// party it talks to.)
/// </summary>
public sealed class OwnerSideFileModeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public OwnerSideFileModeTests() => FileModes.UseUsualUmask();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Dataset_share_writes_both_halves_and_the_statistics_owner_only_in_the_owner_folder_it_makes_0700_from_the_top()
    {
        var images = new LabeledImages([.. Enumerable.Range(0, 6 * 4).Select(i => (float)(i % 7))], [0, 1, 2, 0, 1, 2], 1, 2, 2, ["a", "b", "c"]);
        // $XDG_DATA_HOME that does not exist yet: every folder down to datasets/<id> is made here, each 0700.
        var owner = new OwnerFolder(OwnerFolder.Resolve(name => name == "XDG_DATA_HOME" ? Path.Combine(_dir.Path, "xdg") : null, "/nonexistent"));
        string work = owner.DatasetFolder("ds-owner");
        (OwnerHalfFiles files, _) = await OwnerSharing.ShareAsync(images, "ds-owner", work, null, seedCompressParty0: false);
        FileModes.AssertTreeOwnerOnly(Path.Combine(_dir.Path, "xdg"));
        Assert.Equal(4, Directory.GetFiles(work).Length); // both halves, the statistics and the scaling record beside the shares
        FileModes.AssertOwnerOnly(files.Party0Path);
        FileModes.AssertOwnerOnly(DatasetScalingRecord.PathOf(work, "ds-owner"));
        FileModes.AssertOwnerOnly(owner.StatisticsPath("ds-owner"));
        Assert.Equal(["a", "b", "c"], owner.TryLoadStatistics("ds-owner")!.ClassNames);
    }

    [Fact]
    public void The_model_the_owner_asks_for_is_owner_only_and_built_with_the_statistics_kept_for_its_training_set()
    {
        // The cross-language vector's shares, as ModelDownloader.FetchShareAsync leaves them: in memory.
        string vectors = VectorFolder();
        ReconstructedModel model = ModelReconstruction.Reconstruct(File.ReadAllBytes(Path.Combine(vectors, "model.party0.share")),
            File.ReadAllBytes(Path.Combine(vectors, "model.party1.share")));
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(vectors, "expected.json")));
        DatasetStatistics stats = DatasetStatistics.Parse(expected.RootElement.GetProperty("standardization").GetRawText()
            .Insert(1, $"\"classNames\":{expected.RootElement.GetProperty("classNames").GetRawText()},"), "the vector");
        string models = Path.Combine(_dir.Path, "owner", "models", "job-1");
        OwnerFolder.Create(models);

        string onnx = Path.Combine(models, "job-1.onnx");
        ModelReconstruction.ExportOnnx(model, onnx, stats);
        string parameters = Path.Combine(models, "job-1.parameters.json");
        ModelReconstruction.WriteParametersJson(model, parameters, stats);

        Assert.Equal(File.ReadAllBytes(Path.Combine(vectors, "model.onnx")), File.ReadAllBytes(onnx)); // what the browser writes too
        using var json = JsonDocument.Parse(File.ReadAllText(parameters));
        Assert.Equal(stats.ClassNames, json.RootElement.GetProperty("classNames").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("layer0.weight", json.RootElement.GetProperty("parameters")[0].GetProperty("name").GetString());
        FileModes.AssertTreeOwnerOnly(Path.Combine(_dir.Path, "owner"));
    }

    [Fact]
    public async Task A_share_fetched_for_a_reconstruction_stays_in_memory_and_a_job_without_a_test_set_has_no_evaluation()
    {
        using var party = new HttpClient(new Answering(request => !request.RequestUri!.AbsolutePath.Contains("/share", StringComparison.Ordinal)
            ? new HttpResponseMessage(HttpStatusCode.NotFound)
            : Challenged(request, new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(new byte[100]) })))
        {
            BaseAddress = new Uri("https://party.invalid/"),
        };
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var downloader = new ModelDownloader(party, 0, ModelRequestSigner.From(key));
        Assert.Equal(100, (await downloader.FetchShareAsync("job-1", "grant")).Length);
        Assert.Null(await downloader.FetchEvaluationAsync("job-1", "grant"));
        Assert.Empty(Directory.GetFileSystemEntries(_dir.Path));
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
        using var party = new HttpClient(new Answering(request => Challenged(request, new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(new byte[100]) })))
        {
            BaseAddress = new Uri("https://party.invalid/"),
        };
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Equal(100, await new ModelDownloader(party, 0, ModelRequestSigner.From(key)).DownloadShareAsync("job-1", "grant", path));
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

    private static string VectorFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Imguard.slnx")))
            {
                return Path.Combine(dir.FullName, "tests", "vectors", "model-v1");
            }
        }
        throw new InvalidOperationException("The repository root (Imguard.slnx) was not found above the test's folder.");
    }

    /// <summary>A party that answers every request with what <paramref name="answer"/> makes (an in-memory fake).</summary>
    /// <summary>A party's challenge for a POST …/challenge, else <paramref name="download"/>.</summary>
    private static HttpResponseMessage Challenged(HttpRequestMessage request, HttpResponseMessage download) =>
        request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/challenge", StringComparison.Ordinal)
            ? new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = JsonContent.Create(new ModelChallengeView(Convert.ToBase64String(new byte[ModelRequestDigest.ChallengeLength]), 0, DateTimeOffset.UtcNow.AddMinutes(5))),
            }
            : download;

    private sealed class Answering(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }
}
