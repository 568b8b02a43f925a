using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Imguard.Client.Platform;
using Imguard.Contracts.Accounts;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Grants;
using Imguard.Contracts.Jobs;
using Imguard.Contracts.Privacy;
using Imguard.Contracts.Projects;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Imguard.Platform.Tests.Api;

/// <summary>
/// The API's request and view records live once, in Imguard.Contracts, and the platform and the CLI's client both use
/// them. Each is serialised here the way the platform serialises it (its own HTTP JSON options) and its property names,
/// nested records and enum names are compared with its schema in the checked-in OpenAPI document (which
/// <see cref="OpenApiDocumentTests"/> keeps equal to what the platform serves, and from which the web UI's types are
/// generated); the client's options must read the same JSON back to the same record.
/// </summary>
public sealed class ApiRecordWireTests(SqlitePlatformApiFixture fixture) : IClassFixture<SqlitePlatformApiFixture>
{
    /// <summary>Every record of the web API that lives in Contracts (the job estimate is still the dealer's own).</summary>
    private static readonly Type[] RecordTypes =
    [
        typeof(CreateTokenRequest), typeof(CreatedTokenView), typeof(CsrfTokenView), typeof(GeneratedPasswordView), typeof(LoginRequest),
        typeof(RegisterRequest), typeof(ResetPasswordRequest), typeof(SetDisabledRequest), typeof(SetRoleRequest), typeof(TokenView), typeof(UserView),
        typeof(ProjectView), typeof(CreateProjectRequest), typeof(MemberView), typeof(AddMemberRequest), typeof(ChangeMemberRoleRequest),
        typeof(ProjectActivityView), typeof(ActivityRecordView),
        typeof(DatasetView), typeof(DatasetUploadView), typeof(RegisterDatasetRequest), typeof(GrantView),
        typeof(JobView), typeof(JobEpochView), typeof(JobLogEntryView), typeof(JobProgressPointView), typeof(JobProgressView), typeof(ModelDownloadView),
        typeof(CreateInferenceRequest), typeof(CreateJobRequest), typeof(ExpectedAccuracy), typeof(JobEstimate),
        typeof(PrivacyReportView), typeof(PrivacyReportRowView),
        typeof(JobDatasetView), typeof(ConsentTermsView), typeof(ConsentDatasetView), typeof(ConsentRecipientView), typeof(ConsentSignerView),
        typeof(ConsentParameterView), typeof(ApproveJobRequest), typeof(DeclineJobRequest), typeof(SigningKeyRequest), typeof(SigningKeyView),
        typeof(PixelScaling), typeof(DiscloseStatisticsRequest), typeof(JobStandardizationView), typeof(ChannelStatistics),
    ];

    public static TheoryData<Type> Records() => new(RecordTypes);

    /// <summary>
    /// Records the document cannot show, with their JSON property names: the password reset's body is optional, so the
    /// endpoint reads it by hand (a declared body would also refuse a request without one).
    /// </summary>
    private static readonly Dictionary<Type, string[]> NotInDocument = new()
    {
        [typeof(ResetPasswordRequest)] = ["revokeTokens"],
    };

    [Fact]
    public void Every_API_record_in_Contracts_is_listed()
    {
        string[] folders = ["Accounts", "Projects", "Datasets", "Grants", "Jobs", "Privacy", "Consent"];
        HashSet<Type> listed = [.. RecordTypes];
        JsonObject schemas = Schemas();
        Type[] inDocument = [.. typeof(UserView).Assembly.GetExportedTypes()
            .Where(t => t.IsClass && folders.Any(f => t.Namespace == $"Imguard.Contracts.{f}") && schemas.ContainsKey(t.Name))];
        Assert.NotEmpty(inDocument);
        Assert.All(inDocument, t => Assert.Contains(t, listed));
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void A_record_is_serialised_as_its_OpenAPI_schema_says_and_the_client_reads_it_back(Type record)
    {
        JsonSerializerOptions platform = fixture.Platform.Services.GetRequiredService<IOptions<HttpJsonOptions>>().Value.SerializerOptions;
        object value = Sample(record, depth: 0);
        string json = JsonSerializer.Serialize(value, record, platform);
        if (NotInDocument.TryGetValue(record, out string[]? names))
        {
            Assert.False(Schemas().ContainsKey(record.Name), $"{record.Name} is in the document now: check it there.");
            Assert.Equal(names, JsonNode.Parse(json)!.AsObject().Select(p => p.Key));
        }
        else
        {
            Check(JsonNode.Parse(json)!, record.Name, record.Name);
        }

        object? read = JsonSerializer.Deserialize(json, record, PlatformApi.Json);
        Assert.Equal(json, JsonSerializer.Serialize(read, record, platform));
    }

    private static void Check(JsonNode node, string schemaName, string where)
    {
        JsonObject schema = Schemas()[schemaName]?.AsObject() ?? throw new InvalidOperationException($"{where}: no schema {schemaName} in the OpenAPI document.");
        if (schema["enum"] is JsonArray names)
        {
            Assert.True(names.Any(n => n?.GetValue<string>() == node.GetValue<string>()), $"{where}: {node.ToJsonString()} is not one of {names.ToJsonString()}.");
            return;
        }

        if (schema["properties"] is not JsonObject properties)
        {
            return; // JsonElement: any JSON
        }

        JsonObject written = node.AsObject();
        Assert.Equal(properties.Select(p => p.Key).Order(StringComparer.Ordinal), written.Select(p => p.Key).Order(StringComparer.Ordinal));
        foreach ((string name, JsonNode? propertySchema) in properties)
        {
            JsonNode? value = written[name];
            if (value is null || propertySchema is null)
            {
                continue;
            }

            bool array = propertySchema["type"]?.ToJsonString().Contains("array", StringComparison.Ordinal) == true;
            string? reference = Reference(array ? propertySchema["items"] : propertySchema);
            if (reference is null)
            {
                continue;
            }

            IEnumerable<JsonNode?> items = array ? value.AsArray() : new[] { value };
            foreach (JsonNode? item in items)
            {
                if (item is not null)
                {
                    Check(item, reference, $"{where}.{name}");
                }
            }
        }
    }

    /// <summary>The schema a property refers to, directly or as one of its alternatives (a nullable reference).</summary>
    private static string? Reference(JsonNode? schema)
    {
        if (schema?["$ref"]?.GetValue<string>() is string direct)
        {
            return direct[(direct.LastIndexOf('/') + 1)..];
        }

        return (schema?["oneOf"] ?? schema?["anyOf"]) is JsonArray alternatives ? alternatives.Select(Reference).FirstOrDefault(r => r is not null) : null;
    }

    private static JsonObject Schemas()
    {
        string path = Path.Combine(OpenApiDocumentTests.RepositoryRoot(), "web", "src", "api", "openapi.json");
        return JsonNode.Parse(File.ReadAllText(path))!["components"]!["schemas"]!.AsObject();
    }

    /// <summary>A value of every parameter of the record's constructor, none null, so every property and nested record is written.</summary>
    private static object Sample(Type type, int depth)
    {
        Type plain = Nullable.GetUnderlyingType(type) ?? type;
        if (plain == typeof(string)) { return "text"; }
        if (plain == typeof(int)) { return 3; }
        if (plain == typeof(long)) { return 5L; }
        if (plain == typeof(double)) { return 0.5; }
        if (plain == typeof(bool)) { return true; }
        if (plain == typeof(Guid)) { return new Guid("7c0e7f7e-0000-4000-8000-000000000001"); }
        if (plain == typeof(DateTimeOffset)) { return new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero); }
        if (plain == typeof(JsonElement)) { return JsonDocument.Parse("""{"any":1}""").RootElement.Clone(); }
        if (plain.IsEnum) { return Enum.GetValues(plain).GetValue(Enum.GetValues(plain).Length - 1)!; }
        if (plain.IsGenericType && plain.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            Type item = plain.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(item))!;
            list.Add(Sample(item, depth + 1));
            return list;
        }

        Assert.True(depth < 5, $"{type.Name} nests too deep.");
        ConstructorInfo constructor = plain.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        return constructor.Invoke([.. constructor.GetParameters().Select(p => Sample(p.ParameterType, depth + 1))]);
    }
}
