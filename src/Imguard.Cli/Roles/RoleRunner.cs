using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Imguard.Cli.Roles;

/// <summary>
/// Runs one role's web application until Ctrl-C, SIGTERM, or — when started by <c>imguard up</c> — until its
/// standard input closes (so the roles stop when <c>up</c> stops, even if <c>up</c> is killed).
/// </summary>
internal static class RoleRunner
{
    public static async Task<int> RunAsync(WebApplication app, string role, bool stopOnStdinClose, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        IHostApplicationLifetime lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        if (stopOnStdinClose)
        {
            _ = Task.Run(async () =>
            {
                using Stream stdin = Console.OpenStandardInput();
                var buffer = new byte[256];
                while (await stdin.ReadAsync(buffer, CancellationToken.None) > 0)
                {
                }
                lifetime.StopApplication();
            }, CancellationToken.None);
        }
        // With JSON logs every line of output is a JSON object, this one too.
        bool json = app.Services.GetRequiredService<ServiceContext>().Telemetry.LogFormat == LogFormat.Json;
        lifetime.ApplicationStarted.Register(() =>
        {
            string urls = string.Join(", ", app.Urls);
            if (json)
            {
                app.Logger.LogInformation("{Role} ready on {Urls}", role, urls);
            }
            else
            {
                Console.WriteLine($"{role} ready on {urls}");
            }
        });
        await app.RunAsync(cancellationToken);
        return 0;
    }
}
