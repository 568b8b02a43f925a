namespace Imguard.Mpc.Encoding;

/// <summary>
/// Fixed-point encoding of reals into Z_2^64: <c>x ↦ round(x · 2^f) mod 2^64</c>, read back as a signed 64-bit integer
/// divided by 2^f. Representable range: [-2^(63-f), 2^(63-f)). Resolution (one ulp): 2^-f.
/// A product of two encoded values carries 2f fractional bits and must be truncated by f bits.
/// </summary>
public readonly record struct FixedPointFormat
{
    /// <summary>16 fractional bits: resolution 1.5e-5, range ±1.4e14 (products of factors below 2^15 stay exact).</summary>
    public static FixedPointFormat Default { get; } = new(16);

    public FixedPointFormat(int fractionalBits)
    {
        if (fractionalBits is < 0 or > 40)
        {
            throw MpcError.OutOfRange(nameof(fractionalBits), "Fixed-point formats use 0 to 40 fractional bits.");
        }
        FractionalBits = fractionalBits;
    }

    public int FractionalBits { get; }

    /// <summary>2^f as a double.</summary>
    public double Scale => Math.ScaleB(1.0, FractionalBits);

    /// <summary>The encoding of 1.0, i.e. 2^f in the ring.</summary>
    public ulong One => 1UL << FractionalBits;

    /// <summary>One unit in the last place, 2^-f.</summary>
    public double Ulp => Math.ScaleB(1.0, -FractionalBits);

    /// <summary>The largest magnitude that encodes without wrapping, 2^(63-f).</summary>
    public double MaxMagnitude => Math.ScaleB(1.0, 63 - FractionalBits);

    public ulong Encode(double value)
    {
        double scaled = Math.Round(value * Scale, MidpointRounding.ToEven);
        // [−2^63, 2^63): long.MinValue is representable, 2^63 is not.
        if (!(scaled >= -9.2233720368547758e18 && scaled < 9.2233720368547758e18))
        {
            throw MpcError.OutOfRange(nameof(value), $"A value is not finite or outside the fixed-point range ±2^{63 - FractionalBits}.");
        }
        return unchecked((ulong)(long)scaled);
    }

    public double Decode(ulong value) => unchecked((long)value) / Scale;

    public void Encode(ReadOnlySpan<double> values, Span<ulong> destination)
    {
        if (values.Length != destination.Length)
        {
            MpcError.ThrowLengthMismatch("fixed-point encoding", values.Length, destination.Length);
        }
        for (int i = 0; i < values.Length; i++)
        {
            destination[i] = Encode(values[i]);
        }
    }

    public void Encode(ReadOnlySpan<float> values, Span<ulong> destination)
    {
        if (values.Length != destination.Length)
        {
            MpcError.ThrowLengthMismatch("fixed-point encoding", values.Length, destination.Length);
        }
        for (int i = 0; i < values.Length; i++)
        {
            destination[i] = Encode(values[i]);
        }
    }

    public void Decode(ReadOnlySpan<ulong> values, Span<double> destination)
    {
        if (values.Length != destination.Length)
        {
            MpcError.ThrowLengthMismatch("fixed-point decoding", values.Length, destination.Length);
        }
        double inverse = Ulp;
        for (int i = 0; i < values.Length; i++)
        {
            destination[i] = unchecked((long)values[i]) * inverse;
        }
    }

    public double[] Decode(ReadOnlySpan<ulong> values)
    {
        var result = new double[values.Length];
        Decode(values, result);
        return result;
    }

    public ulong[] Encode(ReadOnlySpan<double> values)
    {
        var result = new ulong[values.Length];
        Encode(values, result);
        return result;
    }

    public override string ToString() => $"fixed-point, {FractionalBits} fractional bits";
}
