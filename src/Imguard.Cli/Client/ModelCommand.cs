using System.CommandLine;
using System.Net;
using Imguard.Client.Models;
using Imguard.Client.Platform;
using Imguard.Contracts.Files;
using Imguard.Learning.Training;

namespace Imguard.Cli.Client;

/// <summary>
/// <c>imguard model download</c>: fetches this job's model share from each party (each under its own grant from
/// the platform, which issues them to the project owner only), recombines the model on this machine, reconstructs
/// the secure test accuracy if the job had a test set, and optionally exports ONNX.
/// </summary>
internal static class ModelCommand
{
    public static Command Create()
    {
        var model = new Command("model", "Download and recombine a trained model.");
        Option<string?> profile = ProfileOptions.Create();
        var job = new Option<string>("--job") { Required = true };
        var output = new Option<string>("--out") { Description = "Folder for the two share files.", DefaultValueFactory = _ => "." };
        var onnx = new Option<string?>("--onnx") { Description = "Also write the recombined model as ONNX to this file." };
        var download = new Command("download", "Fetch both model shares, recombine them here, report the secure test accuracy, optionally export ONNX.") { profile, job, output, onnx };
        download.SetAction(async (parse, ct) =>
        {
            using PlatformApi api = ProfileOptions.Connect(parse, profile);
            string jobId = parse.GetValue(job)!;
            string folder = parse.GetValue(output)!;
            OwnerOnly.CreateDirectory(folder);
            ModelDownloads grants = await api.ModelGrantsAsync(jobId, ct);
            var shares = new string[2];
            var evaluations = new string?[2];
            await Task.WhenAll(grants.Downloads.Select(async grant =>
            {
                using HttpClient party = api.PartyClient(grant.Party, grant.Url);
                var downloader = new ModelDownloader(party);
                shares[grant.Party] = Path.Combine(folder, $"{jobId}.party{grant.Party}.model");
                await downloader.DownloadShareAsync(jobId, grant.Grant, shares[grant.Party], ct);
                string evaluation = Path.Combine(folder, $"{jobId}.party{grant.Party}.evaluation");
                try
                {
                    await downloader.DownloadEvaluationAsync(jobId, grant.Grant, evaluation, ct);
                    evaluations[grant.Party] = evaluation;
                }
                catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.NotFound)
                {
                    // The job had no test set.
                }
            }));
            ReconstructedModel reconstructed = ModelReconstruction.Reconstruct(shares[0], shares[1]);
            Console.WriteLine($"model of {jobId} recombined: {reconstructed.Parameters.Count} parameter tensors, {reconstructed.EpochsCompleted} epochs");
            if (evaluations[0] is { } e0 && evaluations[1] is { } e1)
            {
                EvaluationResult result = ModelReconstruction.ReconstructEvaluation(e0, e1);
                int encodings = (await api.GetJobAsync(jobId, ct)).TestEncodings;
                string how = encodings > 0 ? $", each test image classified by the softmax summed over {encodings} InstaHide encodings of it" : "";
                Console.WriteLine($"secure test accuracy: {100.0 * result.Correct / result.Count:0.00}% ({result.Correct}/{result.Count}){how}; only this machine knows it");
            }
            if (parse.GetValue(onnx) is { } onnxPath)
            {
                ModelReconstruction.ExportOnnx(reconstructed, onnxPath);
                Console.WriteLine($"ONNX written to {onnxPath}");
            }
            return 0;
        });
        model.Subcommands.Add(download);
        return model;
    }
}
