using System.CommandLine;
using Imguard.Cli.Client;
using Imguard.Client.Platform;
using Imguard.Contracts.Privacy;

namespace Imguard.Cli.Privacy;

/// <summary>
/// <c>imguard job report ID</c> (or <c>--job ID</c>): the gradient-inversion report for this job's exact model and hiding
/// settings, as the platform measured it on public Fashion-MNIST images (issue 17, item 9) — the table, which row is
/// this job's mode, the picture. The owner runs the same attack on their own images with
/// <c>imguard privacy-report --job ID --images DIR</c> (<see cref="PrivacyReportCommand"/>), on their own machine.
/// </summary>
internal static class JobReportCommand
{
    public static Command Create()
    {
        Option<string?> profile = ProfileOptions.Create();
        var id = new Argument<string?>("job") { Description = "The job.", Arity = ArgumentArity.ZeroOrOne };
        var jobOption = new Option<string?>("--job") { Description = "The job (instead of the argument)." };
        var output = new Option<string>("--out") { Description = "Where to write the PNG of the public originals and recoveries.", DefaultValueFactory = _ => "job-privacy-report.png" };
        var command = new Command("report", "The privacy report for this job's model and hiding settings: what one example's gradient gives away, measured on public Fashion-MNIST images.")
        {
            profile, id, jobOption, output,
        };
        command.SetAction(async (parse, ct) =>
        {
            string? jobId = parse.GetValue(jobOption) ?? parse.GetValue(id);
            if (string.IsNullOrEmpty(jobId))
            {
                await Console.Error.WriteLineAsync("Name the job: imguard job report ID (or --job ID).");
                return 2;
            }
            using PlatformApi api = ProfileOptions.Connect(parse, profile);
            JobPrivacyReportView report = await api.GetJobPrivacyReportAsync(jobId, ct);
            string path = Path.GetFullPath(parse.GetValue(output)!);
            await File.WriteAllBytesAsync(path, Convert.FromBase64String(report.Report.Png), ct);
            Console.Write(Describe(report, path));
            return 0;
        });
        return command;
    }

    /// <summary>The report as the command prints it (the PNG at <paramref name="png"/>).</summary>
    internal static string Describe(JobPrivacyReportView report, string png)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = new System.Text.StringBuilder();
        text.AppendLine($"Privacy report for job {report.JobId} ({TerminalText.Escape(report.Report.Data)}).");
        text.Append(report.Report.Table.TrimEnd()).AppendLine();
        PrivacyReportRowView? own = report.Report.Rows.FirstOrDefault(r => r.Name == report.Row);
        text.AppendLine(own is null
            ? $"This job trains with hiding '{report.Hiding}'."
            : $"This job trains with hiding '{report.Hiding}' (k = {report.K}): its row is '{own.Name}' — mean PSNR {Psnr(own.MeanPsnr)}, mean SSIM {own.MeanSsim:0.00}.");
        text.AppendLine($"PNG: {png}");
        text.AppendLine($"     {report.Report.PngLayout}.");
        text.AppendLine($"Warning: {report.Report.Warning}");
        text.AppendLine("Run the same attack on your own images, on this machine only: imguard privacy-report --job " + report.JobId + " --images DIR");
        return text.ToString();
    }

    private static string Psnr(double? psnr) => psnr is { } p ? $"{p:0.0} dB" : "∞ (exact recovery)";
}
