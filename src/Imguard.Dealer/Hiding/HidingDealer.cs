using Imguard.Learning.Hiding;
using Imguard.Mpc.Encoding;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Randomness;

namespace Imguard.Dealer.Hiding;

/// <summary>
/// The dealer's side of InstaHide on shares: draws each epoch's <see cref="EpochHidingPlan"/> from a CSPRNG, tells the
/// parties its public part (<see cref="HidingEpoch"/>) and deals, batch by batch, shares of the per-scalar
/// coefficients c_ij = σ_i·λ_ij on the image columns and λ_ij on the label columns (labels are mixed but never masked,
/// spec.md §5–6), for <see cref="RowMixing"/>. The plan never leaves the dealer and is wiped when the epoch ends.
/// </summary>
public sealed class HidingDealer : IDisposable
{
    private readonly Seed _seed0;
    private readonly Seed _seed1;
    private readonly Func<int, EpochHidingPlan> _drawPlan;
    private EpochHidingPlan? _plan;
    private int _epoch = -1;

    /// <param name="seed0">Party 0's job seed (party 0 derives its halves from it).</param>
    /// <param name="seed1">Party 1's job seed (for its row masks).</param>
    /// <param name="options">Mode, K and λ bound; <see cref="HidingMode.Off"/> needs no dealer.</param>
    /// <param name="count">N, training images.</param>
    /// <param name="imageScalars">D = C·H·W.</param>
    /// <param name="classes">C.</param>
    /// <param name="format">The fixed-point format of the job.</param>
    /// <param name="drawPlan">Tests only: the plan of an epoch. By default a fresh CSPRNG seed per epoch.</param>
    public HidingDealer(Seed seed0, Seed seed1, InstaHideOptions options, int count, int imageScalars, int classes, FixedPointFormat format,
        Func<int, EpochHidingPlan>? drawPlan = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageScalars);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        _seed0 = seed0;
        _seed1 = seed1;
        Options = options;
        Count = count;
        ImageScalars = imageScalars;
        Classes = classes;
        Format = format;
        _drawPlan = drawPlan ?? (_ =>
        {
            using var prg = new AesCtrPrg(Seed.Random());
            return EpochHidingPlan.Draw(options, count, imageScalars, prg);
        });
    }

    public InstaHideOptions Options { get; }

    public int Count { get; }

    public int ImageScalars { get; }

    public int Classes { get; }

    public FixedPointFormat Format { get; }

    /// <summary>Width of a mixed row: D image scalars then C label entries.</summary>
    public int RowWidth => ImageScalars + Classes;

    /// <summary>Draws epoch <paramref name="epoch"/>'s key (the previous one is wiped) and returns what the parties may see.</summary>
    public HidingEpoch BeginEpoch(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        _plan?.Dispose();
        _plan = _drawPlan(epoch);
        if (_plan.Count != Count || _plan.ScalarsPerImage != ImageScalars || _plan.Mode != Options.Mode || _plan.K != Options.SlotCount)
        {
            throw DealerError.InvalidArgument("The epoch's hiding plan does not match the dealer's dataset or options.");
        }
        _epoch = epoch;
        return HidingEpoch.PublicPartOf(epoch, _plan);
    }

    /// <summary>Party 1's message for batch <paramref name="batch"/> of the current epoch (party 0 needs none).</summary>
    public ulong[] BatchMessage(int epoch, int batch, int batchSize)
    {
        var plan = _plan is not null && epoch == _epoch ? _plan : throw DealerError.InvalidArgument($"Epoch {epoch} is not the dealer's current epoch.");
        var rows = plan.BatchRows(batch, batchSize);
        int k = plan.K, d = ImageScalars, width = RowWidth;
        var partners = new int[rows.Length * k];
        var coefficients = new ulong[rows.Length * k * width];
        try
        {
            for (int i = 0; i < rows.Length; i++)
            {
                int row = rows[i];
                var lambda = plan.CoefficientsOf(row);
                var mask = plan.MaskOf(row);
                plan.PartnersOf(row).CopyTo(partners.AsSpan(i * k, k));
                for (int j = 0; j < k; j++)
                {
                    ulong positive = Format.Encode(lambda[j]);
                    ulong negative = unchecked(0 - positive);
                    var c = coefficients.AsSpan((i * k + j) * width, width);
                    for (int t = 0; t < d; t++)
                    {
                        c[t] = mask.IsEmpty || mask[t] > 0 ? positive : negative;          // σ_it·λ_ij
                    }
                    c[d..].Fill(positive);                                                  // labels: λ_ij, no mask
                }
            }
            return RowMixing.DealerMessage(_seed0, _seed1, epoch, batch, partners, k, coefficients, width);
        }
        finally
        {
            Array.Clear(coefficients);
        }
    }

    public void Dispose()
    {
        _plan?.Dispose();
        _plan = null;
    }
}
