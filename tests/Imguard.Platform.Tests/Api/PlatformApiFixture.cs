using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Imguard.Audit.Server;
using Imguard.Platform.Accounts;
using Imguard.Platform.Data;
using Imguard.Platform.Server;
using Imguard.ServiceDefaults.Audit;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Hosting;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Tls;
using Imguard.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Imguard.Platform.Tests.Api;

/// <summary>
/// A running deployment for the API tests, shared by one test class: the real audit server and the real platform
/// server on free 127.0.0.1 ports with real TLS (a fresh CA), the platform's database on SQLite or — when
/// <c>IMGUARD_TEST_POSTGRES</c> is set — a throw-away PostgreSQL database. A fast password hasher keeps the suite
/// quick; the login back-off starts at 30 s, so a test sees it refuse rather than a wait run out. Tests make their own users (unique names), so they never depend on
/// each other's data.
/// </summary>
public abstract class PlatformApiFixture(PlatformDatabaseProvider provider, Action<PlatformOptions>? adjust = null) : IAsyncLifetime
{
    public const string Password = "correct horse battery staple";
    public const int LoginFreeFailures = 3;

    private TestDeployment? _deployment;
    private TestStore? _postgres;
    private ServiceContext? _auditService;
    private ServiceContext? _platformService;
    private WebApplication? _audit;
    private WebApplication? _platform;

    public bool Available => _platform is not null;

    internal TestDeployment Deployment => _deployment ?? throw new InvalidOperationException("The fixture did not start.");

    public WebApplication Platform => _platform ?? throw new InvalidOperationException("The fixture did not start.");

    public Uri BaseAddress => Deployment.Settings.Platform.Url;

    /// <summary>The first administrator's generated password.</summary>
    public string AdminPassword { get; private set; } = "";

    internal PlatformOptions Options { get; } = new()
    {
        RateLimits = new PlatformRateLimitOptions { LoginFreeFailures = LoginFreeFailures, LoginBackOffBase = TimeSpan.FromSeconds(30), AnonymousPermits = 100_000, GrantPermits = 10_000 },
        DeletionPollInterval = TimeSpan.FromMilliseconds(200),
        DeletionInitialBackOff = TimeSpan.FromMilliseconds(100),
        DeletionMaxBackOff = TimeSpan.FromMilliseconds(400),
        JobEventPollInterval = TimeSpan.FromMilliseconds(200),
        JobEventHeartbeatInterval = TimeSpan.FromMilliseconds(300),
        Hasher = new PasswordHasher(iterations: 1_000),
    };

    public async Task InitializeAsync()
    {
        if (provider == PlatformDatabaseProvider.PostgreSql)
        {
            if (ProviderFactAttribute.PostgresConnectionString is null)
            {
                return; // the tests report themselves skipped
            }

            _postgres = await TestStore.CreateEmptyAsync(PlatformDatabaseProvider.PostgreSql);
        }

        adjust?.Invoke(Options);
        string? postgres = _postgres?.ConnectionString;
        _deployment = TestDeployment.Create(settings => postgres is null
            ? settings
            : settings with { PlatformDatabase = new DatabaseSettings { Provider = DatabaseSettings.PostgreSql, ConnectionString = postgres } });
        AuditServer.CreateSigningKey(_deployment.Directory);
        _auditService = new ServiceContext(ServiceRole.Audit, _deployment.Directory, _deployment.Settings, _deployment.Identity(ServiceRole.Audit));
        _audit = await AuditServer.CreateAsync(_auditService);
        await _audit.StartAsync();

        GeneratedCredentials admin = await PlatformServer.InitializeAsync(_deployment.Directory, _deployment.Settings, Options.Hasher!, CancellationToken.None)
            ?? throw new InvalidOperationException("No first administrator was created.");
        AdminPassword = admin.Password;
        _platformService = new ServiceContext(ServiceRole.Platform, _deployment.Directory, _deployment.Settings, _deployment.Identity(ServiceRole.Platform));
        _platform = await PlatformServer.CreateAsync(_platformService, options: Options);
        await _platform.StartAsync();
    }

    /// <summary>Stops the audit server (the platform keeps running); <see cref="StartAuditAsync"/> brings it back.</summary>
    public async Task StopAuditAsync()
    {
        if (_audit is not null)
        {
            await _audit.StopAsync();
            await _audit.DisposeAsync();
            _audit = null;
        }
    }

    /// <summary>Starts the audit server again (same data directory and port) after <see cref="StopAuditAsync"/>.</summary>
    public async Task StartAuditAsync()
    {
        if (_audit is null)
        {
            _audit = await AuditServer.CreateAsync(_auditService!);
            await _audit.StartAsync();
        }
    }

    public async Task DisposeAsync()
    {
        foreach (WebApplication? app in new[] { _platform, _audit })
        {
            if (app is not null)
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }

        _platformService?.Dispose();
        _auditService?.Dispose();
        SqliteConnection.ClearAllPools();
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }

        _deployment?.Dispose();
    }

    /// <summary>
    /// A client without a certificate or credentials (a browser before login, or the CLI); with <paramref name="from"/>,
    /// its connections come from that loopback address (Linux routes all of 127/8 to the loopback interface), so the
    /// platform sees another client address than 127.0.0.1.
    /// </summary>
    public ApiClient Anonymous(IPAddress? from = null)
    {
        SocketsHttpHandler handler = MutualTls.CreateClientHandler(Deployment.Identity(ServiceRole.Platform).Authority, ServiceRole.Platform);
        if (from is not null)
        {
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
        }

        handler.UseCookies = true;
        handler.CookieContainer = new System.Net.CookieContainer();
        return new ApiClient(new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) }, handler.CookieContainer);
    }

    /// <summary>A client presenting a service's certificate (a party, or another role).</summary>
    public ApiClient Service(ServiceRole role) => new(new HttpClient(MutualTls.CreateServiceHandler(Deployment.Identity(role), ServiceRole.Platform))
    {
        BaseAddress = BaseAddress,
        Timeout = TimeSpan.FromSeconds(30),
    });

    /// <summary>A user name no other test uses.</summary>
    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..10]}";

    /// <summary>Registers a user and returns a client logged in by cookie (with its CSRF token).</summary>
    public async Task<ApiClient> BrowserAsync(string userName, string password = Password, bool register = true)
    {
        ApiClient client = Anonymous();
        if (register)
        {
            (await client.PostAsync("/api/auth/register", new { userName, password })).EnsureSuccessStatusCode();
        }

        (await client.PostAsync("/api/auth/login", new { userName, password })).EnsureSuccessStatusCode();
        return client;
    }

    /// <summary>Registers a user (unless it exists) and returns a client that sends an API token.</summary>
    public async Task<ApiClient> CliAsync(string userName, string password = Password, bool register = true)
    {
        ApiClient client = Anonymous();
        if (register)
        {
            (await client.PostAsync("/api/auth/register", new { userName, password })).EnsureSuccessStatusCode();
        }

        HttpResponseMessage created = await client.PostAsync("/api/auth/tokens", new { userName, password, name = "cli" });
        created.EnsureSuccessStatusCode();
        client.Bearer = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        return client;
    }

    /// <summary>The administrator, by API token.</summary>
    public Task<ApiClient> AdminAsync() => CliAsync("admin", AdminPassword, register: false);

    /// <summary>Every record in the audit log so far (after the platform delivered what it queued), oldest first.</summary>
    public async Task<IReadOnlyList<JsonElement>> AuditRecordsAsync()
    {
        Assert.True(await Platform.Services.GetRequiredService<AuditClient>().FlushAsync(TimeSpan.FromSeconds(20)), "the platform's audit events were not delivered");
        using ServiceIdentity identity = Deployment.Identity(ServiceRole.Platform);
        using var audit = new HttpClient(MutualTls.CreateServiceHandler(identity, ServiceRole.Audit)) { BaseAddress = Deployment.Settings.Audit.Url };
        var records = new List<JsonElement>();
        long? cursor = null;
        do
        {
            JsonElement page = await audit.GetFromJsonAsync<JsonElement>($"api/audit/records?limit=1000{(cursor is null ? "" : $"&cursor={cursor}")}");
            records.AddRange(page.GetProperty("records").EnumerateArray().Select(r => r.Clone()));
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Number ? page.GetProperty("nextCursor").GetInt64() : null;
        }
        while (cursor is not null);
        return records;
    }

    /// <summary>Has the audit server sign a checkpoint at its last record now (as its timer does every minute); returns it.</summary>
    public async Task<JsonElement> SignAuditCheckpointAsync()
    {
        using ServiceIdentity identity = Deployment.Identity(ServiceRole.Platform);
        using var audit = new HttpClient(MutualTls.CreateServiceHandler(identity, ServiceRole.Audit)) { BaseAddress = Deployment.Settings.Audit.Url };
        HttpResponseMessage response = await audit.PostAsync("api/audit/checkpoints", null);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

}

public sealed class SqlitePlatformApiFixture() : PlatformApiFixture(PlatformDatabaseProvider.Sqlite);

public sealed class PostgresPlatformApiFixture() : PlatformApiFixture(PlatformDatabaseProvider.PostgreSql);

/// <summary>SQLite with a grant limit of 3 per user per minute (rate limits do not depend on the database).</summary>
public sealed class TightGrantLimitFixture() : PlatformApiFixture(PlatformDatabaseProvider.Sqlite, options => options.RateLimits.GrantPermits = 3);
