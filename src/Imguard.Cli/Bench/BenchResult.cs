using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Imguard.Cli.Bench;

/// <summary>
/// One benchmark figure, printed by <c>imguard bench ... --json</c> as one JSON object per line:
/// {"name", "value", "unit", "ratio_to", "ratio"}. <see cref="Ratio"/> is value / value(ratio_to), both measured in
/// the same run.
/// </summary>
internal sealed record BenchResult(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("unit")] string Unit,
    [property: JsonPropertyName("ratio_to")] string? RatioTo = null,
    [property: JsonPropertyName("ratio")] double? Ratio = null)
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static BenchResult? FromJson(string line) => JsonSerializer.Deserialize<BenchResult>(line, Json);

    public BenchResult RelativeTo(BenchResult baseline) =>
        this with { RatioTo = baseline.Name, Ratio = baseline.Value == 0 ? null : Math.Round(Value / baseline.Value, 4) };

    public override string ToString()
    {
        string value = Value.ToString(Value >= 100 ? "F0" : "G4", CultureInfo.InvariantCulture);
        string ratio = RatioTo is null ? "" : $"  ({Ratio?.ToString("G4", CultureInfo.InvariantCulture)}× {RatioTo})";
        return $"{Name,-48} {value,12} {Unit,-6}{ratio}";
    }
}
