using System.Net.Http;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text.Json;
using Imguard.Client.Platform;
using Microsoft.Extensions.Options;

namespace Imguard.Cli;

/// <summary>
/// The one policy for what a failed <c>imguard</c> command prints (every command's action runs under it, see
/// Program.cs). An expected failure — a user's missing or broken file, folder or argument, a server's refusal, a server
/// that cannot be reached, Ctrl-C — is one line on standard error and an exit code that says which kind it was.
/// Anything else is a bug in IMGuard: one line that says so with the exception's type. Neither prints a stack trace or a
/// source path unless <c>--verbose</c> or <c>IMGUARD_DEBUG=1</c> asks for it.
/// </summary>
/// <remarks>
/// Expected are the exception types that only ever describe the world (I/O, data, network, TLS, certificates, JSON,
/// configuration validation, timeouts, the platform's refusals), whoever throws them; and the general types our own code
/// uses for messages to people (<see cref="InvalidOperationException"/>, <see cref="ArgumentException"/> but not
/// <see cref="ArgumentNullException"/>, <see cref="NotSupportedException"/>) only when an IMGuard assembly threw them: the
/// same types thrown inside the runtime ("Sequence contains no elements") are bugs.
/// </remarks>
internal static class CommandErrors
{
    /// <summary>The job ended Failed or Cancelled; also System.CommandLine's own code for a command-line syntax error.</summary>
    public const int Failed = 1;

    /// <summary>A file, folder, argument or setting is missing, unreadable or invalid.</summary>
    public const int InputError = 2;

    /// <summary>The platform or a party refused, failed or could not be reached.</summary>
    public const int ServiceError = 3;

    /// <summary>An unexpected exception: a bug (EX_SOFTWARE of sysexits.h).</summary>
    public const int Bug = 70;

    /// <summary>Interrupted (Ctrl-C), as a shell reports SIGINT.</summary>
    public const int Cancelled = 130;

    /// <summary>The environment variable that turns on stack traces like <c>--verbose</c>.</summary>
    public const string DebugVariable = "IMGUARD_DEBUG";

    /// <summary>Prints <paramref name="exception"/> under the policy and returns the exit code.</summary>
    public static int Report(Exception exception, bool verbose, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(error);
        Exception e = Unwrap(exception);
        verbose |= Environment.GetEnvironmentVariable(DebugVariable) is "1" or "true";
        (int code, string message) = Classify(e) ?? (Bug,
            $"unexpected error (a bug in IMGuard; please report it): {e.GetType().FullName}: {OneLine(e.Message)}" +
            (verbose ? "" : $" (run again with --verbose or {DebugVariable}=1 for the stack trace)"));
        error.WriteLine($"imguard: {message}");
        if (verbose)
        {
            error.WriteLine(exception.ToString());
        }
        return code;
    }

    /// <summary>The exit code and line for an expected failure; null for a bug.</summary>
    internal static (int Code, string Message)? Classify(Exception e) => e switch
    {
        // HttpClient's own timeout is a TaskCanceledException around a TimeoutException; any other cancellation is Ctrl-C.
        TaskCanceledException { InnerException: TimeoutException timeout } => (ServiceError, $"no answer in time: {OneLine(timeout.Message)}"),
        OperationCanceledException => (Cancelled, "cancelled."),
        PlatformApiException => (ServiceError, OneLine(e.Message)),
        HttpRequestException http => (ServiceError, Http(http)),
        AuthenticationException or SocketException or TimeoutException => (ServiceError, WithInner(e)),
        IOException or InvalidDataException or UnauthorizedAccessException or JsonException or OptionsValidationException
            or CryptographicException => (InputError, WithInner(e)),
        ArgumentNullException => null,
        InvalidOperationException or ArgumentException or NotSupportedException when ThrownByImguard(e) => (InputError, Argument(e)),
        _ => null,
    };

    private static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case AggregateException { InnerExceptions.Count: 1 } aggregate:
                    e = aggregate.InnerExceptions[0];
                    break;
                case TargetInvocationException { InnerException: { } inner }:
                    e = inner;
                    break;
                default:
                    return e;
            }
        }
    }

    private static string Http(HttpRequestException e) => e.HttpRequestError switch
    {
        HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError
            => $"cannot connect: {WithInner(e)}",
        _ => WithInner(e),
    };

    // "The SSL connection could not be established, see inner exception." says nothing on its own: say what the inner says.
    private static string WithInner(Exception e)
    {
        string message = OneLine(e.Message);
        if (e.InnerException is { } inner && message.EndsWith("see inner exception.", StringComparison.Ordinal))
        {
            message = message[..^", see inner exception.".Length] + ": " + WithInner(inner);
        }
        return message;
    }

    private static string Argument(Exception e) =>
        e is ArgumentException { ParamName: { } name } argument
            ? OneLine(argument.Message.Replace($" (Parameter '{name}')", "", StringComparison.Ordinal))
            : OneLine(e.Message);

    private static bool ThrownByImguard(Exception e) =>
        e.TargetSite?.DeclaringType?.Assembly.GetName().Name is { } name
        && (name.StartsWith("Imguard.", StringComparison.Ordinal) || name == "imguard");

    private static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
