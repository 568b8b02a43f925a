using System.Net;
using System.Net.Http;
using System.Security.Authentication;
using Imguard.Cli.Client;
using Imguard.Client.Platform;
using Imguard.Learning.Data;

namespace Imguard.Cli.Tests;

/// <summary>
/// The CLI's one exception-to-message policy (issue 14, item 4): expected failures are one line and their exit code;
/// anything else is one line that says it is a bug, with the type; a stack trace only when asked for.
/// </summary>
public sealed class CommandErrorsTests
{
    private static Exception Thrown(Action action) => Record.Exception(action)!;

    private static (int Code, string Output) Report(Exception e, bool verbose = false)
    {
        using var error = new StringWriter();
        int code = CommandErrors.Report(e, verbose, error);
        return (code, error.ToString());
    }

    public static TheoryData<string, int, string> Expected => new()
    {
        { "missing folder", CommandErrors.InputError, "imguard: Folder 'x' does not exist." },
        { "bad IDX", CommandErrors.InputError, "imguard: IDX file 'a' has bad magic" },
        { "cut image", CommandErrors.InputError, "imguard: Image 'c.jpg' could not be loaded: it is truncated" },
        { "profile", CommandErrors.InputError, "imguard: Not logged in (no profile at '/nonexistent/profile.json'). Run `imguard login` first." },
        { "shape", CommandErrors.InputError, "imguard: --shape is C,H,W (e.g. 1,28,28 or 3,32,32); got '1,2'." },
        { "refused", CommandErrors.ServiceError, "imguard: The platform refused (404): Not Found" },
        { "unreachable", CommandErrors.ServiceError, "imguard: cannot connect: Connection refused (127.0.0.1:7400)" },
        { "tls", CommandErrors.ServiceError, "imguard: cannot connect: The SSL connection could not be established: The remote certificate was rejected." },
        { "http timeout", CommandErrors.ServiceError, "imguard: no answer in time: The operation was canceled." },
        { "ctrl-c", CommandErrors.Cancelled, "imguard: cancelled." },
        { "aggregate", CommandErrors.InputError, "imguard: Folder 'x' does not exist." },
    };

    private static Exception Make(string name) => name switch
    {
        "missing folder" => Thrown(() => throw new DirectoryNotFoundException("Folder 'x' does not exist.")),
        "bad IDX" => Thrown(() => throw new InvalidDataException("IDX file 'a' has bad magic 0x67617262; expected 0x00000803.")),
        "cut image" => Thrown(() => throw new ImageDecodeException("c.jpg", "it is truncated: the JPEG ends before its end-of-image marker.", null)),
        "profile" => Thrown(() => ClientProfile.Load("/nonexistent/profile.json")),
        "shape" => Thrown(() => DatasetCommand.ParseShape("1,2")),
        "refused" => Thrown(() => throw new PlatformApiException(HttpStatusCode.NotFound, "The platform refused (404): Not Found")),
        "unreachable" => Thrown(() => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (127.0.0.1:7400)")),
        "tls" => Thrown(() => throw new HttpRequestException(HttpRequestError.SecureConnectionError, "The SSL connection could not be established, see inner exception.",
            new AuthenticationException("The remote certificate was rejected."))),
        "http timeout" => Thrown(() => throw new TaskCanceledException("The operation was canceled.", new TimeoutException("The operation was canceled."))),
        "ctrl-c" => Thrown(() => throw new OperationCanceledException()),
        "aggregate" => new AggregateException(Thrown(() => throw new DirectoryNotFoundException("Folder 'x' does not exist."))),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public void An_expected_failure_is_one_line_and_its_exit_code(string name, int code, string line)
    {
        (int actual, string output) = Report(Make(name));
        Assert.Equal(code, actual);
        Assert.StartsWith(line, output, StringComparison.Ordinal);
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        NoTrace(output);
    }

    [Fact]
    public void A_runtime_exception_is_a_bug_in_one_line_naming_its_type_without_a_stack_trace()
    {
        foreach (Exception e in new[]
        {
            Thrown(() => _ = Array.Empty<int>().First()),                      // InvalidOperationException from the runtime
            Thrown(() => _ = ((string?)null)!.Length),                         // NullReferenceException
            Thrown(() => ArgumentNullException.ThrowIfNull((object?)null)),   // ArgumentNullException is always a bug
            Thrown(() => throw new KeyNotFoundException("key 'x'\nwas not present")),
        })
        {
            (int code, string output) = Report(e);
            Assert.Equal(CommandErrors.Bug, code);
            Assert.StartsWith($"imguard: unexpected error (a bug in IMGuard; please report it): {e.GetType().FullName}: ", output, StringComparison.Ordinal);
            Assert.Contains("--verbose", output, StringComparison.Ordinal);
            Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            NoTrace(output);
        }
    }

    [Fact]
    public void Verbose_adds_the_stack_trace()
    {
        Exception e = Thrown(() => _ = Array.Empty<int>().First());
        (_, string output) = Report(e, verbose: true);
        Assert.Contains("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("(run again with --verbose", output, StringComparison.Ordinal);
        (_, string expected) = Report(Make("missing folder"), verbose: true);
        Assert.Contains("System.IO.DirectoryNotFoundException", expected, StringComparison.Ordinal);
    }

    private static void NoTrace(string output)
    {
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain(".cs:line", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }
}
