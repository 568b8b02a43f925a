using System.CommandLine;
using System.Net;
using System.Security.Cryptography;
using Imguard.Client.Consent;
using Imguard.Client.Datasets;
using Imguard.Client.Jobs;
using Imguard.Client.Models;
using Imguard.Client.Platform;
using Imguard.Client.Storage;
using Imguard.Contracts.Files;
using Imguard.Contracts.Jobs;
using Imguard.Learning.Training;

namespace Imguard.Cli.Client;

/// <summary>
/// <c>imguard model download</c>: fetches this job's model share from each party (each under its own grant from
/// the platform, which issues them to the project owner only) into memory, recombines the model on this machine,
/// reconstructs the secure test accuracy if the job had a test set, and keeps only what the owner asks for: the ONNX
/// (by default, in the owner folder), the parameters as JSON, and the shares themselves only with
/// <c>--keep-shares</c>. The downloaded shares are wiped from memory after use and never written otherwise. The ONNX
/// starts with the standardisation (input: raw pixels 0–255) and names the classes: for a model trained over the union,
/// the union's statistics the job records (class names from the owner folder when it keeps a training set's, else the
/// indices); otherwise the training set's statistics when the owner folder holds them (or <c>--standardization</c>
/// names them) — <see cref="ModelInputStatistics"/>.
/// </summary>
internal static class ModelCommand
{
    public static Command Create()
    {
        var model = new Command("model", "Download and recombine a trained model.");
        Option<string?> profile = ProfileOptions.Create();
        var job = new Option<string>("--job") { Required = true };
        var onnx = new Option<string?>("--onnx") { Description = "Write the recombined model as ONNX to this file (input: raw pixels 0-255 when the training set's statistics are known)." };
        var parameters = new Option<string?>("--parameters") { Description = "Write the recombined parameters as JSON to this file." };
        var keepShares = new Option<bool>("--keep-shares") { Description = "Also keep both model shares and evaluation shares (in --out). Without it they never touch the disk." };
        var output = new Option<string?>("--out")
        {
            Description = "Folder for the ONNX when neither --onnx nor --parameters names a file, and for the shares with --keep-shares " +
                $"(default: the owner folder's models/<job>; the owner folder is ${OwnerFolder.EnvironmentVariable}, $XDG_DATA_HOME/imguard or ~/.local/share/imguard).",
        };
        var standardization = new Option<string?>("--standardization")
        {
            Description = "The training set's .standardization.json, built into the ONNX (default: the one the owner folder keeps for the job's training set; " +
                "a model trained over the union always takes the statistics its job recorded).",
        };
        var download = new Command("download", "Fetch both model shares, recombine them here, report the secure test accuracy, keep the ONNX or the parameters.")
        {
            profile, job, onnx, parameters, keepShares, output, standardization,
        };
        download.SetAction(async (parse, ct) =>
        {
            using PlatformApi api = ProfileOptions.Connect(parse, profile);
            string jobId = parse.GetValue(job)!;
            var owner = OwnerFolder.FromEnvironment();
            JobView summary = await api.GetJobAsync(jobId, ct);
            // Read before anything is fetched: a wrong path, or a union job without statistics, fails without a download.
            ModelInputStatistics input = ModelInputStatistics.For(summary, owner, parse.GetValue(standardization));
            DatasetStatistics? stats = input.Statistics;
            ModelDownloadView grants = await api.ModelGrantsAsync(jobId, ct);
            // The parties release the shares only to a request signed by a recipient's key: this profile's.
            using OwnerSigningKey key = ProfileOptions.SigningKey(parse, profile);
            var shares = new byte[2][];
            var evaluations = new byte[]?[2];
            string? evaluationRefusal = null;
            try
            {
                await Task.WhenAll(grants.Downloads.Select(async grant =>
                {
                    using HttpClient party = api.PartyClient(grant);
                    var downloader = new ModelDownloader(party, grant.Party, ModelRequestSigner.From(key));
                    shares[grant.Party] = await downloader.FetchShareAsync(jobId, grant.Grant, ct);
                    try
                    {
                        evaluations[grant.Party] = await downloader.FetchEvaluationAsync(jobId, grant.Grant, ct); // null: the job had no test set
                    }
                    catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.Forbidden)
                    {
                        // The evaluation goes only to the test set's owner: a recipient who is not gets the model alone.
                        evaluationRefusal = e.Message;
                    }
                }));
                ReconstructedModel reconstructed = ModelReconstruction.Reconstruct(shares[0], shares[1]);
                Console.WriteLine($"model of {jobId} recombined here: {reconstructed.Parameters.Count} parameter tensors, {reconstructed.EpochsCompleted} epochs");
                if (evaluations[0] is { } e0 && evaluations[1] is { } e1)
                {
                    EvaluationResult result = ModelReconstruction.ReconstructEvaluation(e0, e1);
                    int encodings = summary.TestEncodings();
                    string how = encodings > 0 ? $", each test image classified by the softmax summed over {encodings} InstaHide encodings of it" : "";
                    Console.WriteLine($"secure test accuracy: {100.0 * result.Correct / result.Count:0.00}% ({result.Correct}/{result.Count}){how}; only this machine knows it");
                }
                else if (evaluationRefusal is not null)
                {
                    Console.WriteLine($"no secure test accuracy here: {evaluationRefusal}");
                }

                string folder = parse.GetValue(output) ?? owner.ModelFolder(jobId);
                string? parametersPath = parse.GetValue(parameters);
                string? onnxPath = parse.GetValue(onnx) ?? (parametersPath is null ? Path.Combine(folder, jobId + ".onnx") : null);
                if (onnxPath is not null)
                {
                    ModelReconstruction.ExportOnnx(reconstructed, CreateParent(onnxPath), stats);
                    Console.WriteLine($"ONNX written to {onnxPath}");
                    Console.WriteLine(stats is null
                        ? $"  its input is standardised values, as in training: {owner.MissingStatistics(summary.TrainDatasetId)}"
                        : $"  its input is raw pixel values 0-255 (standardised by its first nodes); " +
                          $"classes: {string.Join(", ", stats.ClassNames ?? [.. Enumerable.Range(0, reconstructed.Spec.Classes).Select(i => $"{i}")])}");
                    if (input.Source is { } used)
                    {
                        Console.WriteLine($"  its standardisation: {used}");
                    }
                }
                if (parametersPath is not null)
                {
                    ModelReconstruction.WriteParametersJson(reconstructed, CreateParent(parametersPath), stats);
                    Console.WriteLine($"parameters written to {parametersPath}{(input.Source is null ? "" : $" (standardization: {input.Source})")}");
                }
                if (parse.GetValue(keepShares))
                {
                    OwnerFolder.Create(folder);
                    for (int p = 0; p < 2; p++)
                    {
                        OwnerOnly.WriteAllBytes(Path.Combine(folder, $"{jobId}.party{p}.model"), shares[p]);
                        if (evaluations[p] is { } evaluation)
                        {
                            OwnerOnly.WriteAllBytes(Path.Combine(folder, $"{jobId}.party{p}.evaluation"), evaluation);
                        }
                    }
                    Console.WriteLine($"both model shares{(evaluations[0] is null ? "" : " and evaluation shares")} kept in {folder} (together they are the model: keep them out of any repository)");
                }
            }
            finally
            {
                // Both halves of the model were in this process: wipe them rather than leave them to the collector.
                foreach (byte[]? bytes in (byte[]?[])[shares[0], shares[1], evaluations[0], evaluations[1]])
                {
                    CryptographicOperations.ZeroMemory(bytes);
                }
            }
            return 0;
        });
        model.Subcommands.Add(download);
        model.Subcommands.Add(CreateEvaluation(profile, job));
        return model;
    }

    /// <summary>
    /// <c>imguard model evaluation --job ID</c>: the secure test accuracy alone, for the test set's owner — in a
    /// multi-owner job usually not a model recipient, so <c>download</c>, which fetches the model first, is refused to
    /// them. Each party releases the evaluation only to a request signed by the test set owner's key (this profile's).
    /// </summary>
    private static Command CreateEvaluation(Option<string?> profile, Option<string> job)
    {
        var evaluation = new Command("evaluation", "Fetch both evaluation shares of a job's test set (yours) and report the secure test accuracy; the model is not fetched.")
        {
            profile, job,
        };
        evaluation.SetAction(async (parse, ct) =>
        {
            using PlatformApi api = ProfileOptions.Connect(parse, profile);
            string jobId = parse.GetValue(job)!;
            JobView summary = await api.GetJobAsync(jobId, ct);
            ModelDownloadView grants = await api.ModelGrantsAsync(jobId, ct);
            using OwnerSigningKey key = ProfileOptions.SigningKey(parse, profile);
            var evaluations = new byte[]?[2];
            try
            {
                await Task.WhenAll(grants.Downloads.Select(async grant =>
                {
                    using HttpClient party = api.PartyClient(grant);
                    evaluations[grant.Party] = await new ModelDownloader(party, grant.Party, ModelRequestSigner.From(key)).FetchEvaluationAsync(jobId, grant.Grant, ct);
                }));
                if (evaluations[0] is not { } e0 || evaluations[1] is not { } e1)
                {
                    throw new InvalidOperationException($"Job {jobId} evaluated no test set.");
                }
                EvaluationResult result = ModelReconstruction.ReconstructEvaluation(e0, e1);
                int encodings = summary.TestEncodings();
                string how = encodings > 0 ? $", each test image classified by the softmax summed over {encodings} InstaHide encodings of it" : "";
                Console.WriteLine($"secure test accuracy: {100.0 * result.Correct / result.Count:0.00}% ({result.Correct}/{result.Count}){how}; only this machine knows it");
            }
            finally
            {
                foreach (byte[]? bytes in evaluations)
                {
                    CryptographicOperations.ZeroMemory(bytes);
                }
            }
            return 0;
        });
        return evaluation;
    }

    /// <summary>Makes the folder a file goes into (0700) when it is missing; returns the file's path.</summary>
    private static string CreateParent(string path)
    {
        string? parent = Path.GetDirectoryName(Path.GetFullPath(path));
        if (parent is not null && !Directory.Exists(parent))
        {
            OwnerOnly.CreateDirectory(parent);
        }
        return path;
    }
}
