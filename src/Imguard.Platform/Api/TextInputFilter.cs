using System.Reflection;
using System.Text.Json;
using Imguard.Contracts.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Imguard.Platform.Api;

/// <summary>
/// An endpoint filter for every user-facing endpoint: a request whose path values, query values or request body
/// strings (the string properties of our <c>…Request</c> records, the API's and Contracts', and every string and property name inside a JSON value
/// such as a model spec) hold a character <see cref="InputRules.FirstRefused"/> refuses even in multi-line text is
/// answered 400 naming the field, before a handler, a service or the database sees it. So no field, present or
/// added later, can carry a NUL into a PostgreSQL query (a 500) or a bidi override into a list; the services still
/// apply the stricter rule of each stored field (names are one line). Passwords are exempt: they are only hashed,
/// never stored or shown, and may hold any character.
/// </summary>
internal static class TextInputFilter
{
    /// <summary>Adds the filter to every endpoint the builder maps.</summary>
    public static TBuilder RefuseUnsafeText<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory(Create);

    private static EndpointFilterDelegate Create(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        // Which arguments are request records, and their string-bearing properties: found once per endpoint.
        var bodies = new List<(int Index, (string Field, PropertyInfo Property)[] Properties)>();
        ParameterInfo[] parameters = context.MethodInfo.GetParameters();
        for (int i = 0; i < parameters.Length; i++)
        {
            Type type = Nullable.GetUnderlyingType(parameters[i].ParameterType) ?? parameters[i].ParameterType;
            // Any request record of ours, wherever it is declared (the platform, or Contracts, where the API's records
            // live for the owner's client too): a record that moved must not lose its check.
            if (IsOurRequestRecord(type))
            {
                (string, PropertyInfo)[] properties = [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .Where(p => (p.PropertyType == typeof(string) || p.PropertyType == typeof(JsonElement)) && !p.Name.EndsWith("Password", StringComparison.Ordinal))
                    .Select(p => (JsonNamingPolicy.CamelCase.ConvertName(p.Name), p))];
                bodies.Add((i, properties));
            }
        }

        return invocation =>
        {
            string? refusal = CheckRequest(invocation.HttpContext.Request);
            foreach ((int index, (string Field, PropertyInfo Property)[] properties) in bodies)
            {
                if (refusal is null && invocation.Arguments[index] is { } body)
                {
                    refusal = properties.Select(p => Check(p.Property.GetValue(body), p.Field)).FirstOrDefault(r => r is not null);
                }
            }

            return refusal is null ? next(invocation) : ValueTask.FromResult<object?>(ApiResults.Invalid(refusal));
        };
    }

    private static bool IsOurRequestRecord(Type type) =>
        type.Name.EndsWith("Request", StringComparison.Ordinal)
        && (type.Namespace?.StartsWith("Imguard.", StringComparison.Ordinal) ?? false)
        && (type.Assembly == typeof(TextInputFilter).Assembly || type.Assembly == typeof(LoginRequest).Assembly);

    private static string? CheckRequest(HttpRequest request)
    {
        foreach ((string name, object? value) in request.RouteValues)
        {
            if (value is string text && InputRules.Characters(text, $"path value '{name}'", lineBreaks: true) is { } refusal)
            {
                return refusal;
            }
        }

        foreach ((string name, Microsoft.Extensions.Primitives.StringValues values) in request.Query)
        {
            string? refusal = InputRules.Characters(name, "query parameter name", lineBreaks: true)
                ?? values.Select(v => InputRules.Characters(v, $"query parameter '{name}'", lineBreaks: true)).FirstOrDefault(r => r is not null);
            if (refusal is not null)
            {
                return refusal;
            }
        }

        return null;
    }

    private static string? Check(object? value, string field)
    {
        switch (value)
        {
            case string text:
                return InputRules.Characters(text, $"field '{field}'", lineBreaks: true);
            case JsonElement json:
                try
                {
                    return Check(json, field);
                }
                catch (InvalidOperationException)
                {
                    // An escaped lone surrogate ("\ud800") is kept raw in a JsonElement and throws only when read.
                    return $"The field '{field}' holds a string that is not valid text (a lone surrogate).";
                }

            default:
                return null;
        }
    }

    // Every string and property name in a JSON value; its depth is bounded by the serializer's (64).
    private static string? Check(JsonElement json, string field)
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.String:
                return InputRules.Characters(json.GetString(), $"field '{field}'", lineBreaks: true);
            case JsonValueKind.Array:
                foreach (JsonElement item in json.EnumerateArray())
                {
                    if (Check(item, field) is { } refusal)
                    {
                        return refusal;
                    }
                }

                return null;
            case JsonValueKind.Object:
                foreach (JsonProperty property in json.EnumerateObject())
                {
                    if ((InputRules.Characters(property.Name, $"field '{field}' (a property name)", lineBreaks: true) ?? Check(property.Value, $"{field}.{property.Name}")) is { } refusal)
                    {
                        return refusal;
                    }
                }

                return null;
            default:
                return null;
        }
    }
}
