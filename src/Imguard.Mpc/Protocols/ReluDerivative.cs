using Imguard.Mpc.Sharing;

namespace Imguard.Mpc.Protocols;

/// <summary>
/// A ReLU's derivative s = 1{x ≥ 0} as shares of ring integers 0/1, with — when the binary-circuit ReLU made it for a
/// backward pass — this party's shares of a dealer mask u and of u·s. Those make g·s one opening of g − u
/// (<see cref="Comparison.MultiplyByDerivativeAsync"/>); a mask must not mask two different gradients, so it is handed
/// out once and the derivative falls back to a Beaver product after that.
/// </summary>
public sealed class ReluDerivative
{
    private ulong[]? _mask;
    private ulong[]? _maskTimesSign;

    public ReluDerivative(SharedTensor sign, ulong[]? mask, ulong[]? maskTimesSign)
    {
        ArgumentNullException.ThrowIfNull(sign);
        if ((mask is null) != (maskTimesSign is null) || (mask is not null && (mask.Length != sign.Length || maskTimesSign!.Length != sign.Length)))
        {
            throw new ArgumentException("The derivative's mask and mask-times-sign shares must both be given, one word per element.");
        }
        Sign = sign;
        _mask = mask;
        _maskTimesSign = maskTimesSign;
    }

    /// <summary>Shares of s (ring integers 0/1).</summary>
    public SharedTensor Sign { get; }

    /// <summary>Whether the one-opening backward product is still available.</summary>
    public bool HasMask => _mask is not null;

    internal (ulong[]? Mask, ulong[]? MaskTimesSign) TakeMask()
    {
        var taken = (_mask, _maskTimesSign);
        _mask = null;
        _maskTimesSign = null;
        return taken;
    }
}
