using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;
using Microsoft.Data.Sqlite;

namespace Imguard.SystemTests.Security;

/// <summary>
/// Replays of the attack on a running platform (<c>imguard init</c>, then the audit server and the platform as
/// processes, production settings): a NUL and bidi and zero-width characters in project text, a project name stored
/// before the platform refused them printed by <c>imguard project list</c>, and the lockout denial of service —
/// wrong passwords for <c>admin</c> from one address (127.0.0.2) while the administrator signs in from another
/// (127.0.0.1; Linux routes all of 127/8 to the loopback interface, and the platform trusts no forwarded header).
/// </summary>
public sealed class PlatformInputAttackTests(PlatformInputAttackTests.Deployment deployment) : IClassFixture<PlatformInputAttackTests.Deployment>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Hostile_text_is_refused_with_a_400_naming_the_field_and_an_old_row_prints_escaped()
    {
        using HttpClient admin = await deployment.AdminAsync();
        foreach ((object body, string field, string code) in new (object, string, string)[]
        {
            (new { name = "faces", description = "a\0b", channels = 1, height = 28, width = 28, classes = 10 }, "description", "U+0000"),
            (new { name = "invoice\u202Egnp.exe", channels = 1, height = 28, width = 28, classes = 10 }, "name", "U+202E"),
            (new { name = "ad\u200Bmin", channels = 1, height = 28, width = 28, classes = 10 }, "name", "U+200B"),
        })
        {
            using HttpResponseMessage refused = await admin.PostAsJsonAsync("api/projects", body);
            string text = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, text);
            string detail = JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString()!;
            Assert.Contains($"'{field}'", detail, StringComparison.Ordinal);
            Assert.Contains(code, detail, StringComparison.Ordinal);
        }

        // A row written before these checks existed (here by SQL): the CLI shows its characters as escapes.
        string old = "old-" + Guid.NewGuid().ToString("N")[..8];
        (int created, string project) = await ImguardProcess.RunAsync(Bound, "project", "create", "--profile", deployment.Profile, "--name", old);
        Assert.True(created == 0, project);
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(deployment.Data, "platform", "platform.db")};Pooling=false"))
        {
            await db.OpenAsync();
            using SqliteCommand update = db.CreateCommand();
            update.CommandText = "UPDATE projects SET name = $name WHERE name = $old";
            update.Parameters.AddWithValue("$name", "invoice\u202Egnp.exe\u001B[2J\u200B");
            update.Parameters.AddWithValue("$old", old);
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        (int listed, string list) = await ImguardProcess.RunAsync(Bound, "project", "list", "--profile", deployment.Profile);
        Assert.True(listed == 0, list);
        Assert.Contains(@"invoice\u202Egnp.exe\u001B[2J\u200B", list, StringComparison.Ordinal);
        Assert.DoesNotContain('\u202E', list);
        Assert.DoesNotContain('\u001B', list);
        Assert.DoesNotContain('\u200B', list);
    }

    [Fact]
    public async Task Wrong_passwords_for_admin_from_one_address_slow_that_address_and_never_lock_the_administrator_out()
    {
        using HttpClient attacker = deployment.Client(IPAddress.Parse("127.0.0.2"));
        var answers = new List<HttpStatusCode>();
        for (int i = 0; i < 8; i++)
        {
            foreach (string name in new[] { "admin", "no-such-admin" })
            {
                using HttpResponseMessage response = await attacker.PostAsJsonAsync("api/auth/login", new { userName = name, password = "guess number " + i });
                answers.Add(response.StatusCode);
                Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, $"{name}: {(int)response.StatusCode}");
            }
        }

        // The guesses were slowed (429 with Retry-After), for the real name and the unknown one alike.
        Assert.Contains(HttpStatusCode.TooManyRequests, answers.Where((_, i) => i % 2 == 0));
        Assert.Contains(HttpStatusCode.TooManyRequests, answers.Where((_, i) => i % 2 == 1));

        // The administrator, from another address, signs in at once: by cookie and as the CLI does (an API token).
        using HttpClient owner = deployment.Client(IPAddress.Loopback);
        using HttpResponseMessage login = await owner.PostAsJsonAsync("api/auth/login", new { userName = "admin", password = deployment.AdminPassword });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        (int cli, string output) = await ImguardProcess.RunWithInputAsync(Bound, deployment.AdminPassword + "\n",
            "login", "--profile", Path.Combine(deployment.Root, "again.json"), "--data-dir", deployment.Data, "--user", "admin", "--password-stdin");
        Assert.True(cli == 0, output);
    }

    /// <summary>One deployment for the class: init, then the audit server and the platform; the admin logged in with the CLI.</summary>
    public sealed class Deployment : IAsyncLifetime
    {
        private readonly List<ImguardProcess> _roles = [];

        public string Root { get; } = Path.Combine(Path.GetTempPath(), "imguard-input-" + Guid.NewGuid().ToString("N"));

        public string Data => Path.Combine(Root, "deployment");

        public string Profile => Path.Combine(Root, "profile.json");

        public string AdminPassword { get; private set; } = "";

        private DeploymentSettings Settings => DeploymentSettings.Load(new DataDirectory(Data).SettingsPath);

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(Root);
            (int init, string initOutput) = await ImguardProcess.RunAsync(Bound, "init", "--data-dir", Data, "--base-port", TestDeployment.FreeBasePort().ToString());
            Assert.True(init == 0, initOutput);
            AdminPassword = Regex.Match(initOutput, "admin password: (\\S+)").Groups[1].Value;
            foreach ((string[] arguments, string ready) in new[] { (new[] { "audit" }, "audit ready"), (new[] { "platform" }, "platform ready") })
            {
                var role = ImguardProcess.Start([.. arguments, "--data-dir", Data]);
                _roles.Add(role);
                await role.WaitForLineAsync(ready, Bound);
            }

            (int login, string output) = await ImguardProcess.RunWithInputAsync(Bound, AdminPassword + "\n",
                "login", "--profile", Profile, "--data-dir", Data, "--user", "admin", "--password-stdin");
            Assert.True(login == 0, output);
        }

        /// <summary>An HTTPS client for the platform (our CA pinned) whose connections come from <paramref name="from"/>.</summary>
        public HttpClient Client(IPAddress from)
        {
            var directory = new DataDirectory(Data);
            SocketsHttpHandler handler = MutualTls.CreateClientHandler(DeploymentPki.LoadAuthorityCertificate(directory), ServiceRole.Platform);
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(from.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
            return new HttpClient(handler) { BaseAddress = Settings.Platform.Url, Timeout = Bound };
        }

        /// <summary>A client with an API token for <c>admin</c>.</summary>
        public async Task<HttpClient> AdminAsync()
        {
            HttpClient client = Client(IPAddress.Loopback);
            using HttpResponseMessage created = await client.PostAsJsonAsync("api/auth/tokens", new { userName = "admin", password = AdminPassword, name = "system test" });
            created.EnsureSuccessStatusCode();
            string token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            return client;
        }

        public async Task DisposeAsync()
        {
            foreach (ImguardProcess role in Enumerable.Reverse(_roles))
            {
                await role.DisposeAsync();
            }

            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
