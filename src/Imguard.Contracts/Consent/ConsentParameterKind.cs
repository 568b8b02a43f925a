namespace Imguard.Contracts.Consent;

/// <summary>The type of a <see cref="ConsentParameter"/>; its number is the type byte of the canonical encoding.</summary>
public enum ConsentParameterKind : byte
{
    /// <summary>A signed 64-bit integer, 8 bytes little-endian.</summary>
    Integer = 1,

    /// <summary>An IEEE 754 double, its 8 bytes little-endian: exact in every language, unlike a decimal rendering.</summary>
    Real = 2,

    /// <summary>UTF-8 text, length-prefixed.</summary>
    Text = 3,

    /// <summary>One byte, 0 or 1.</summary>
    Flag = 4,
}
