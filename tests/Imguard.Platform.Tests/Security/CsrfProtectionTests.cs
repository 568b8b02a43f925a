using Imguard.Platform.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Imguard.Platform.Tests.Security;

public sealed class CsrfProtectionTests
{
    /// <summary>Collects antiforgery's log entries at Warning or above (an in-memory logger for this unit test).</summary>
    private sealed class WarningCollector : ILoggerProvider, ILogger
    {
        private sealed class Ignored : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => false;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
            }
        }

        public List<string> Warnings { get; } = [];

        // Data protection warns once per process about its key store; only antiforgery's own warnings are this test's.
        public ILogger CreateLogger(string categoryName) =>
            categoryName.StartsWith("Microsoft.AspNetCore.Antiforgery", StringComparison.Ordinal) ? this : new Ignored();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                lock (Warnings)
                {
                    Warnings.Add($"{eventId.Name}: {formatter(state, exception)}");
                }
            }
        }

        public void Dispose()
        {
        }
    }

    [Fact]
    public void Issuing_a_token_on_an_api_response_logs_no_warning_and_leaves_it_uncacheable()
    {
        var collector = new WarningCollector();
        using ServiceProvider services = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(collector))
            .AddPlatformCsrf()
            .BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services };
        http.Request.Scheme = "https";
        http.Request.Method = "GET";
        // As SecurityHeaders sets it on every /api response before the endpoint runs: antiforgery warned at each
        // sign-in and token fetch that it had overridden it.
        http.Response.Headers.CacheControl = "no-store";

        string token = CsrfProtection.IssueToken(http);

        Assert.False(string.IsNullOrEmpty(token));
        Assert.Empty(collector.Warnings);
        Assert.Contains("no-store", http.Response.Headers.CacheControl.ToString(), StringComparison.Ordinal);
        Assert.Contains(http.Response.Headers.SetCookie, c => c!.StartsWith(CsrfProtection.TokenCookieName + "=", StringComparison.Ordinal));
    }
}
