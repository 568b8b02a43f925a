using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Imguard.Platform.Api;

/// <summary>
/// Where the generated OpenAPI document would describe the platform's JSON less exactly than the platform reads and
/// writes it. The web UI's types are generated from the document (web/src/api/schema.d.ts), so each of these would
/// otherwise reach the UI as a looser or wrong type.
/// </summary>
internal static class OpenApiSchemaRules
{
    public static Task Apply(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(context);

        // The web defaults also read numbers written as strings, so every number is typed "integer or string" with a
        // digits pattern. The platform always writes numbers and its clients send numbers; reading stays lenient.
        if (schema.Type is JsonSchemaType type && (type & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && type.HasFlag(JsonSchemaType.String))
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }

        // One nullable use of an enum (ProjectView.Role) puts null into the enum's shared schema, which would make
        // every other use (a member's role) nullable too; the nullable use already says "null or the enum".
        if ((Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type).IsEnum && schema.Enum is { Count: > 0 } values)
        {
            schema.Enum = [.. values.Where(value => value is not null && value.GetValueKind() != System.Text.Json.JsonValueKind.Null)];
        }

        return Task.CompletedTask;
    }
}
