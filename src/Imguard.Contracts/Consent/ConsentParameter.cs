using System.Globalization;

namespace Imguard.Contracts.Consent;

/// <summary>
/// One named setting of a job that its owners approve (a hyper-parameter, the hiding mode, a number format). Typed, so
/// that the browser and .NET encode it to the same bytes: a real is signed as its IEEE 754 bits, never as a decimal
/// string (".NET writes 1E-05 where JavaScript writes 1e-5").
/// </summary>
public sealed record ConsentParameter
{
    private ConsentParameter(string name, ConsentParameterKind kind, long integer, double real, string? text)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Kind = kind;
        IntegerValue = integer;
        RealValue = real;
        TextValue = text;
    }

    public string Name { get; }

    public ConsentParameterKind Kind { get; }

    public long IntegerValue { get; }

    public double RealValue { get; }

    public string? TextValue { get; }

    public static ConsentParameter Integer(string name, long value) => new(name, ConsentParameterKind.Integer, value, 0, null);

    public static ConsentParameter Real(string name, double value) =>
        double.IsFinite(value) ? new(name, ConsentParameterKind.Real, 0, value, null)
            : throw new ArgumentOutOfRangeException(nameof(value), "A consent parameter is a finite number.");

    public static ConsentParameter Text(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(name, ConsentParameterKind.Text, 0, 0, value);
    }

    public static ConsentParameter Flag(string name, bool value) => new(name, ConsentParameterKind.Flag, value ? 1 : 0, 0, null);

    /// <summary>The value as an approver reads it.</summary>
    public override string ToString() => Kind switch
    {
        ConsentParameterKind.Integer => $"{Name} = {IntegerValue.ToString(CultureInfo.InvariantCulture)}",
        ConsentParameterKind.Real => $"{Name} = {RealValue.ToString("R", CultureInfo.InvariantCulture)}",
        ConsentParameterKind.Flag => $"{Name} = {(IntegerValue != 0 ? "yes" : "no")}",
        _ => $"{Name} = {TextValue}",
    };
}
