using System.CommandLine;
using Imguard.Client.Datasets;
using Imguard.Learning.Data;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace Imguard.Cli.Tests.Client;

/// <summary>
/// The real <c>imguard</c> (the executable this project builds, as a child process) on the problems a newcomer meets
/// (issue 15, item 5): each is one line on standard error naming the problem and its way out, a non-zero exit code,
/// and no stack trace. A stand-in platform (the deployment's certificate, one endpoint) refuses the password; the rest
/// need no server.
/// </summary>
public sealed class ExpectedProblemsTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TestDeployment _deployment = TestDeployment.Create();
    private readonly string _profile;

    public ExpectedProblemsTests()
    {
        _profile = Path.Combine(_deployment.Directory.Root, "client", "profile.json");
    }

    public void Dispose() => _deployment.Dispose();

    private static Task<(int Code, string StandardOutput, string StandardError)> RunAsync(string input, params string[] arguments) =>
        ImguardChild.RunAsync(Bound, input, new Dictionary<string, string?> { ["IMGUARD_DEBUG"] = null }, arguments);

    // One line on standard error that starts as given, the exit code of its kind, nothing that looks like a trace.
    private static void PlainFailure(int code, string start, (int Code, string StandardOutput, string StandardError) run)
    {
        Assert.True(run.Code == code, $"exit {run.Code}\n{run.StandardOutput}\n{run.StandardError}");
        string line = Assert.Single(run.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(start, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.StandardError + run.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", run.StandardError + run.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_terminal_for_the_password_says_to_use_password_stdin()
    {
        PlainFailure(CommandErrors.InputError, "imguard: No terminal to ask for the password; use --password-stdin.",
            await RunAsync("", "login", "--data-dir", _deployment.Directory.Root, "--profile", _profile, "--user", "admin"));
    }

    [Fact]
    public async Task An_unreachable_platform_is_one_line_naming_the_connection()
    {
        // Nothing listens on the deployment's platform port.
        PlainFailure(CommandErrors.ServiceError, "imguard: cannot connect: ",
            await RunAsync("a password\n", "login", "--data-dir", _deployment.Directory.Root, "--profile", _profile, "--user", "admin", "--password-stdin"));
    }

    [Fact]
    public async Task A_wrong_password_says_so()
    {
        using ServiceIdentity identity = _deployment.Identity(ServiceRole.Platform);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenOn(_deployment.Settings.Platform, identity, ClientCertificateMode.AllowCertificate));
        await using WebApplication platform = builder.Build();
        // As the platform answers a login with a wrong password (POST /api/auth/tokens with a user name and password).
        platform.MapPost("/api/auth/tokens", () => Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized"));
        await platform.StartAsync();

        (int Code, string StandardOutput, string StandardError) run =
            await RunAsync("not the password\n", "login", "--data-dir", _deployment.Directory.Root, "--profile", _profile, "--user", "admin", "--password-stdin");

        PlainFailure(CommandErrors.ServiceError, "imguard: Wrong user name or password", run);
        Assert.DoesNotContain("token", run.StandardError, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(_profile));
        await platform.StopAsync();
    }

    [Fact]
    public async Task A_missing_image_folder_is_named()
    {
        string missing = Path.Combine(_deployment.Directory.Root, "no-such-folder");
        PlainFailure(CommandErrors.InputError, $"imguard: Folder '{missing}' does not exist.",
            await RunAsync("", "dataset", "share", "--images", missing, "--out", Path.Combine(_deployment.Directory.Root, "shares")));
    }

    [Fact]
    public void Infer_takes_the_fashion_mnist_test_set_with_a_limit_as_the_readme_shows()
    {
        ParseResult parse = ImguardCommand.Create().Parse(["infer", "--model-job", "job-1", "--fashion-mnist", "test", "--limit", "100"]);
        // Options other helpers add or drop may still be required here; the data options parse as the README writes them.
        Assert.All(parse.Errors, e => Assert.Contains("is required", e.Message, StringComparison.Ordinal));
        Assert.Equal("test", parse.GetValue<string?>("--fashion-mnist"));
        Assert.Equal(100, parse.GetValue<int>("--limit"));

        var source = new DatasetSource { FashionMnist = "test", Limit = 100 };
        if (!FashionMnist.IsInstalled())
        {
            return; // the Debian package is not installed here; the parse above still holds
        }
        LabeledImages images = source.Load(1, 28, 28);
        Assert.Equal(100, images.Count);
        Assert.Equal(10, images.ClassCount);
    }
}
