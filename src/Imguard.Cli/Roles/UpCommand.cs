using System.CommandLine;
using System.Diagnostics;
using Imguard.Contracts.Files;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Tls;

namespace Imguard.Cli.Roles;

/// <summary>
/// <c>imguard up</c>: every role as a child process on this machine (initialising the data directory first if it is
/// empty, and refusing one that other users can read unless <c>--repair-permissions</c>), each checked healthy over
/// TLS before the next starts; prints the platform URL and runs until Ctrl-C, then stops them all (their standard
/// input is closed, which each role takes as the signal to shut down cleanly; any still running after a grace period
/// is killed).
/// </summary>
internal static class UpCommand
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);

    /// <summary>The roles in start order, with the arguments that run each (after the executable); the dealer when it runs on its own.</summary>
    private static (ServiceRole Role, string[] Arguments)[] Roles(DeploymentSettings settings) =>
    [
        (ServiceRole.Audit, ["audit"]),
        (ServiceRole.Platform, ["platform"]),
        .. settings.DealerIsSeparate ? new (ServiceRole, string[])[] { (ServiceRole.Dealer, ["dealer"]) } : [],
        (ServiceRole.Party0, ["party", "--id", "0"]),
        (ServiceRole.Party1, ["party", "--id", "1"]),
    ];

    public static Command Create()
    {
        Option<string> dataDir = DataDirOption.Create();
        var basePort = new Option<int>("--base-port")
        {
            Description = "When the data directory is new: the first of the five loopback ports to use (six with --dealer separate).",
            DefaultValueFactory = _ => DeploymentSettings.DefaultBasePort,
        };
        Option<string> dealer = InitCommand.Dealer();
        dealer.Description = "When the data directory is new: " + dealer.Description;
        Option<bool> repair = DataDirectoryGuard.RepairOption();
        var command = new Command("up", "Start the whole system on this machine (embedded defaults), print its URL, stop it on Ctrl-C.") { dataDir, basePort, dealer, repair };
        command.SetAction((parse, ct) => RunAsync(new DataDirectory(parse.GetValue(dataDir)!), parse.GetValue(basePort),
            parse.GetValue(dealer) == InitCommand.DealerSeparate, parse.GetValue(repair), ct));
        return command;
    }

    private static async Task<int> RunAsync(DataDirectory directory, int basePort, bool separateDealer, bool repairPermissions, CancellationToken cancellationToken)
    {
        if (!directory.IsInitialized)
        {
            OwnerOnly.RestrictProcessUmask();
            DeploymentSettings initial = DeploymentSettings.Loopback(basePort);
            if (separateDealer)
            {
                initial = initial.WithSeparateDealer(DeploymentSettings.LoopbackDealerUrl(basePort));
            }
            string? adminPassword = await InitCommand.InitializeAsync(directory, initial, cancellationToken);
            Console.WriteLine($"initialised a new deployment in {directory.Root}");
            InitCommand.PrintAdmin(adminPassword);
        }
        // Before any role starts: the roles (children, with this umask) check again, but one refusal here says it once.
        if (!DataDirectoryGuard.Admit(directory, repairPermissions, "up"))
        {
            return DataDirectoryGuard.RefusedExitCode;
        }
        DeploymentSettings settings = DeploymentSettings.Load(directory.SettingsPath);
        // Health probes present the platform's certificate: the audit server accepts service callers only.
        using ServiceIdentity probe = ServiceIdentity.Load(directory, ServiceRole.Platform);
        var children = new List<RoleProcess>();
        try
        {
            foreach ((ServiceRole role, string[] arguments) in Roles(settings))
            {
                var child = RoleProcess.Start(role, [.. arguments, "--data-dir", directory.Root, "--stop-on-stdin-close"]);
                children.Add(child);
                await child.WaitHealthyAsync(settings.Endpoint(role).Url, probe, StartTimeout, cancellationToken);
            }
            Console.WriteLine($"IMGuard is up: {settings.Platform.Url}");
            Console.WriteLine($"  TLS comes from this deployment's own CA: import {directory.CaCertificatePath} into your browser's trusted");
            // The web UI shares images and reconstructs models in the browser, talking to both parties directly.
            Console.WriteLine($"  authorities, or open each of these once and accept its certificate: {settings.Platform.Url}, " +
                $"{settings.Parties[0].Api.Url}health, {settings.Parties[1].Api.Url}health");
            Console.WriteLine("  Ctrl-C stops every role.");
            Task exited = Task.WhenAny(children.Select(c => c.Exited));
            await Task.WhenAny(exited, Task.Delay(Timeout.Infinite, cancellationToken));
            if (!cancellationToken.IsCancellationRequested)
            {
                RoleProcess dead = children.First(c => c.Exited.IsCompleted);
                Console.Error.WriteLine($"{ServiceRoles.Name(dead.Role)} exited (code {dead.ExitCode}); stopping the others.");
                return 1;
            }
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        finally
        {
            Console.WriteLine("stopping...");
            // Reverse order: parties before the dealer and the platform, the audit server last, so the others' final events land.
            for (int i = children.Count - 1; i >= 0; i--)
            {
                await children[i].StopAsync(StopGrace);
            }
        }
    }

    /// <summary>One role running as a child process, its output forwarded with the role's name in front.</summary>
    private sealed class RoleProcess
    {
        private readonly Process _process;

        private RoleProcess(ServiceRole role, Process process)
        {
            Role = role;
            _process = process;
            Exited = process.WaitForExitAsync();
        }

        public ServiceRole Role { get; }

        public Task Exited { get; }

        public int ExitCode => _process.HasExited ? _process.ExitCode : -1;

        public static RoleProcess Start(ServiceRole role, string[] arguments)
        {
            // This imguard again, started as this one was (apphost or `dotnet imguard.dll`).
            ProcessStartInfo start = SelfCommand.StartInfo(arguments);
            start.RedirectStandardInput = true;
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = true;
            // Per-host overrides name one role's address or database: every child of `up` takes its own from imguard.json.
            foreach (string variable in RoleOverrides.Variables)
            {
                start.Environment.Remove(variable);
            }
            Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {ServiceRoles.Name(role)}.");
            string prefix = $"[{ServiceRoles.Name(role)}] ";
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) Console.WriteLine(prefix + e.Data); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine(prefix + e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return new RoleProcess(role, process);
        }

        public async Task WaitHealthyAsync(Uri url, ServiceIdentity probe, TimeSpan timeout, CancellationToken cancellationToken)
        {
            using var http = new HttpClient(MutualTls.CreateServiceHandler(probe, Role)) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(5) };
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < timeout)
            {
                if (Exited.IsCompleted)
                {
                    throw new InvalidOperationException($"{ServiceRoles.Name(Role)} exited with code {ExitCode} before it became healthy (its output is above).");
                }
                try
                {
                    using HttpResponseMessage response = await http.GetAsync("health", cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                }
                await Task.Delay(200, cancellationToken);
            }
            throw new TimeoutException($"{ServiceRoles.Name(Role)} did not become healthy at {url} within {timeout.TotalSeconds:0} s.");
        }

        public async Task StopAsync(TimeSpan grace)
        {
            if (_process.HasExited)
            {
                return;
            }
            try
            {
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
            }
            if (await Task.WhenAny(Exited, Task.Delay(grace)) != Exited)
            {
                Console.Error.WriteLine($"{ServiceRoles.Name(Role)} did not stop within {grace.TotalSeconds:0} s; killing it.");
                _process.Kill(entireProcessTree: true);
                await Exited;
            }
            _process.Dispose();
        }
    }
}
