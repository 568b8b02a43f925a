using System.Text.Json;
using System.Text.Json.Serialization;

namespace Imguard.Cli.Privacy;

/// <summary>
/// One figure of <c>imguard privacy-report --json</c>, printed as one JSON object per line: {"name", "value", "unit"}
/// (the fields of <c>imguard bench --json</c> without a ratio). An exact recovery has PSNR +∞, written as the string
/// "Infinity" (System.Text.Json's named floating-point literal; JSON has no infinite number).
/// </summary>
internal sealed record PrivacyFigure(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("unit")] string Unit)
{
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static PrivacyFigure? FromJson(string line) => JsonSerializer.Deserialize<PrivacyFigure>(line, Json);
}
