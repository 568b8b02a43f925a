using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Imguard.Audit.Server;
using Imguard.Platform.Server;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;

namespace Imguard.SystemTests.Security;

/// <summary>
/// One OS user per role on a shared host (docs/DEPLOYMENT.md): each role's bundle handed to its own user, each role run
/// as that user, nothing needing root at run time. The roles reach each other as in any deployment, none of their users
/// can read another role's files, everything each role writes is its user's and owner-only, and a role started by
/// someone else (here root) in a role user's folder is refused before it writes anything.
/// </summary>
public sealed class RoleUsersTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    // Users with no account entry: setpriv takes bare numbers, so the test adds no accounts to the host.
    private static readonly Dictionary<ServiceRole, uint> Users = new()
    {
        [ServiceRole.Platform] = 47_100,
        [ServiceRole.Party0] = 47_101,
        [ServiceRole.Party1] = 47_102,
        [ServiceRole.Audit] = 47_103,
    };

    [OtherUsersFact(RunsImguard = true)]
    public async Task Each_role_runs_as_its_own_user_from_its_bundle_and_no_role_user_reads_another_roles_files()
    {
        FileModes.UseUsualUmask();
        using TestDeployment deployment = TestDeployment.Create();
        AuditServer.CreateSigningKey(deployment.Directory);
        string password = (await PlatformServer.InitializeAsync(deployment.Directory, deployment.Settings))!.Password;
        string root = Path.Combine(Path.GetTempPath(), "imguard-users-" + Guid.NewGuid().ToString("N"));
        string Bundle(ServiceRole role) => Path.Combine(root, ServiceRoles.Name(role));
        var roles = new List<ImguardProcess>();
        try
        {
            Directory.CreateDirectory(root);
            foreach ((ServiceRole role, uint user) in Users)
            {
                RoleBundle.Export(deployment.Directory, role, Bundle(role));
                Directory.CreateDirectory(Bundle(role) + ".home");
                await RunAsync("chown", "-R", $"{user}:{user}", Bundle(role), Bundle(role) + ".home");
            }

            // Root is not party 0's user: refused, and nothing of root's is left in the folder.
            (int refused, string refusal) = await ImguardProcess.RunAsync(Bound, "party", "--id", "0", "--data-dir", Bundle(ServiceRole.Party0));
            Assert.Equal(2, refused);   // CommandErrors.InputError
            Assert.Contains($"belongs to uid {Users[ServiceRole.Party0]}, but this runs as root (uid 0)", refusal, StringComparison.Ordinal);
            Assert.Contains("runuser -u OWNER -- imguard", refusal, StringComparison.Ordinal);
            Assert.Equal("", (await RunAsync("find", Bundle(ServiceRole.Party0), "!", "-uid", $"{Users[ServiceRole.Party0]}")).Output);

            ImguardProcess Start(ServiceRole role, params string[] arguments)
            {
                ImguardProcess process = ImguardProcess.StartAsUser(Users[role], new Dictionary<string, string> { ["HOME"] = Bundle(role) + ".home" },
                    [.. arguments, "--data-dir", Bundle(role)]);
                roles.Add(process);
                return process;
            }
            await Start(ServiceRole.Audit, "audit").WaitForLineAsync("audit ready", Bound);
            ImguardProcess platform = Start(ServiceRole.Platform, "platform");
            ImguardProcess party0 = Start(ServiceRole.Party0, "party", "--id", "0");
            ImguardProcess party1 = Start(ServiceRole.Party1, "party", "--id", "1");
            await Task.WhenAll(platform.WaitForLineAsync("platform ready", Bound), party0.WaitForLineAsync("party-0 ready", Bound),
                party1.WaitForLineAsync("party-1 ready", Bound));

            // The platform probes every role over mutual TLS: each reads its own key as its own user.
            using X509Certificate2 authority = DeploymentPki.LoadAuthorityCertificate(deployment.Directory);
            using var http = new HttpClient(MutualTls.CreateClientHandler(authority, ServiceRole.Platform)) { BaseAddress = deployment.Settings.Platform.Url, Timeout = Bound };
            using (HttpResponseMessage login = await http.PostAsJsonAsync("api/auth/tokens", new { userName = "admin", password, name = "role users test" }))
            {
                Assert.Equal(HttpStatusCode.OK, login.StatusCode);
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString());
            }
            // Each probe is short: on a loaded machine a role that just started may miss one, so ask again (bounded).
            var clock = Stopwatch.StartNew();
            string[] statuses;
            do
            {
                JsonElement health = await http.GetFromJsonAsync<JsonElement>("api/system/health");
                statuses = [.. health.GetProperty("services").EnumerateArray().Select(s => $"{s.GetProperty("role").GetString()} {s.GetProperty("status").GetString()}")];
            }
            while (statuses.Any(s => !s.EndsWith(" ok", StringComparison.Ordinal)) && clock.Elapsed < Bound && await Delay());
            Assert.Equal(["platform ok", "party-0 ok", "party-1 ok", "audit ok"], statuses);

            // Party 0's user reads its own key, and neither party 1's key nor anything of the platform's.
            string ownKey = Path.Combine(Bundle(ServiceRole.Party0), "pki", "party-0.key");
            string otherKey = Path.Combine(Bundle(ServiceRole.Party1), "pki", "party-1.key");
            (int own, _) = await RunAsync("setpriv", $"--reuid={Users[ServiceRole.Party0]}", $"--regid={Users[ServiceRole.Party0]}", "--clear-groups", "--", "cat", ownKey);
            Assert.Equal(0, own);
            (int other, _) = await RunAsync("setpriv", $"--reuid={Users[ServiceRole.Party0]}", $"--regid={Users[ServiceRole.Party0]}", "--clear-groups", "--", "cat", otherKey);
            Assert.NotEqual(0, other);
            (int list, _) = await RunAsync("setpriv", $"--reuid={Users[ServiceRole.Party0]}", $"--regid={Users[ServiceRole.Party0]}", "--clear-groups", "--", "ls", Bundle(ServiceRole.Platform));
            Assert.NotEqual(0, list);

            foreach (ImguardProcess role in roles)
            {
                role.Interrupt();
                Assert.Contains(await role.WaitForExitAsync(Bound), (int[])[0, 130]); // 130: stopped by Ctrl-C, as an operator stops it
            }
            // Everything each role wrote while it ran (database, outbox, keys) is its user's, 0600 in 0700 folders.
            foreach ((ServiceRole role, uint user) in Users)
            {
                Assert.True(Directory.Exists(Path.Combine(Bundle(role), ServiceRoles.Name(role))), $"{ServiceRoles.Name(role)} wrote nothing");
                (_, string strays) = await RunAsync("find", Bundle(role), "(", "!", "-uid", $"{user}", "-o", "-perm", "/077", ")");
                Assert.True(strays.Length == 0, $"not {user}'s or not owner-only:\n{strays}");
            }
        }
        finally
        {
            foreach (ImguardProcess role in roles)
            {
                await role.DisposeAsync();
            }
            Directory.Delete(root, recursive: true);
            ImguardProcess.RemoveBuildCopy();
        }
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(500);
        return true;
    }

    private static async Task<(int Code, string Output)> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(Bound);
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await output + await error);
    }
}
