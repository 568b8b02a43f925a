using Imguard.Dealer.Hiding;
using Imguard.Learning.Hiding;
using Imguard.Learning.Nn;
using Imguard.Learning.Training;
using Imguard.Mpc.Encoding;
using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Randomness;

namespace Imguard.Dealer.Training;

/// <summary>
/// The dealer's side of a training job (the platform's parameter generation for one job): two fresh job seeds, the
/// initial weights drawn from a CSPRNG and dealt as shares (no compute party learns them), and the InstaHide keys
/// of every epoch through <see cref="HidingDealer"/>, and for a job that evaluates with test-time encodings the
/// <see cref="TestEncodingPlan"/> of its one evaluation (drawn when a party first asks; the evaluation's batches are
/// the job's batch size). The dealer sees no data: only shapes and counts.
/// </summary>
public sealed class TrainingDealer : IDisposable
{
    private readonly Seed _seed0 = Seed.Random();
    private readonly Seed _seed1 = Seed.Random();
    private readonly IReadOnlyList<PlainTensor> _initialParameters;
    private readonly HidingDealer? _hiding;
    private readonly Func<int, EpochHidingPlan>? _drawPlan;
    private readonly Seed? _testPlanSeed;
    private TestEncodingPlan? _testPlan;

    /// <param name="spec">The model.</param>
    /// <param name="options">Batch size and hiding settings.</param>
    /// <param name="trainingCount">N, images in the training set.</param>
    /// <param name="format">The job's fixed-point format.</param>
    /// <param name="initialParameters">Tests and reference runs only; by default drawn from a fresh CSPRNG seed.</param>
    /// <param name="drawPlan">Tests only: each epoch's hiding plan.</param>
    /// <param name="testCount">Images in the test set, for test-time encodings (0: the job has no test set).</param>
    /// <param name="testPlanSeed">Tests only: the seed the test-time encodings are drawn from (default: a fresh CSPRNG seed).</param>
    public TrainingDealer(ModelSpec spec, TrainingOptions options, int trainingCount, FixedPointFormat format,
        IReadOnlyList<PlainTensor>? initialParameters = null, Func<int, EpochHidingPlan>? drawPlan = null,
        int testCount = 0, Seed? testPlanSeed = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        Spec = spec;
        Options = options;
        Format = format;
        if (initialParameters is null)
        {
            using var prg = new AesCtrPrg(Seed.Random());
            initialParameters = ModelBuilder.InitialParameters(spec, prg);
        }
        var shapes = ModelBuilder.ParameterShapes(spec);
        if (initialParameters.Count != shapes.Count || initialParameters.Where((p, i) => !p.Shape.SequenceEqual(shapes[i])).Any())
        {
            throw DealerError.InvalidArgument("The initial parameters do not match the model spec's parameter shapes.");
        }
        _initialParameters = initialParameters;
        int d = spec.Input[0] * spec.Input[1] * spec.Input[2];
        if (options.Hiding.Mode != HidingMode.Off)
        {
            _hiding = new HidingDealer(_seed0, _seed1, options.Hiding, trainingCount, d, spec.Classes, format, drawPlan);
        }
        ArgumentOutOfRangeException.ThrowIfNegative(testCount);
        TrainingCount = trainingCount;
        TestCount = testCount;
        _drawPlan = drawPlan;
        _testPlanSeed = testPlanSeed;
    }

    public ModelSpec Spec { get; }

    public TrainingOptions Options { get; }

    public FixedPointFormat Format { get; }

    public int TrainingCount { get; }

    public int TestCount { get; }

    /// <summary>Hand to party <paramref name="partyId"/> only.</summary>
    public Seed SeedFor(int partyId) => partyId switch
    {
        0 => _seed0,
        1 => _seed1,
        _ => throw DealerError.InvalidArgument($"Party id must be 0 or 1; got {partyId}."),
    };

    /// <summary>Party 1's shares of the initial parameters, concatenated in spec order.</summary>
    public ulong[] InitialParametersForParty1()
    {
        var parts = new List<ulong[]>();
        for (int i = 0; i < _initialParameters.Count; i++)
        {
            var encoded = Format.Encode(_initialParameters[i].Data);
            parts.Add(DealtSecrets.MessageForParty1(_seed0, InitialParameterStreams.Of(i), encoded));
            Array.Clear(encoded);
        }
        return parts.SelectMany(p => p).ToArray();
    }

    /// <summary>The public part of epoch <paramref name="epoch"/>: its hiding plan's order and partners, or (mode off) a fresh batch order.</summary>
    public HidingEpoch BeginEpoch(int epoch)
    {
        if (_hiding is not null)
        {
            return _hiding.BeginEpoch(epoch);
        }
        using var plan = _drawPlan?.Invoke(epoch) ?? DrawOrderOnly();
        return HidingEpoch.PublicPartOf(epoch, plan);
    }

    /// <summary>Party 1's message for batch <paramref name="batch"/> of the current epoch (empty in mode off).</summary>
    public ulong[] HidingBatchForParty1(int epoch, int batch) =>
        _hiding?.BatchMessage(epoch, batch, Options.BatchSize) ?? [];

    /// <summary>
    /// Batch <paramref name="batch"/> of test-time encoding <paramref name="encoding"/>: the table rows (public, for
    /// both parties) and, for party 1, its coefficient shares under <see cref="SecureInstaHideInference.FirstScope"/>.
    /// </summary>
    public TestEncodingBatch TestEncodingBatchFor(int partyId, int encoding, int batch)
    {
        if (partyId is not (0 or 1))
        {
            throw DealerError.InvalidArgument($"Party id must be 0 or 1; got {partyId}.");
        }
        var plan = TestPlan();
        var rows = plan.BatchTableRows(encoding, batch, Options.BatchSize);
        var message = partyId == 1
            ? plan.BatchMessage(_seed0, _seed1, SecureInstaHideInference.FirstScope, encoding, batch, Options.BatchSize, Format)
            : [];
        return new TestEncodingBatch(rows, message);
    }

    /// <summary>Batches per test-time encoding (the job's batch size), 0 when the job has none.</summary>
    public int TestEncodingBatches => Options.TestEncodings > 0 && TestCount > 0 ? (TestCount + Options.BatchSize - 1) / Options.BatchSize : 0;

    private TestEncodingPlan TestPlan()
    {
        if (_testPlan is not null)
        {
            return _testPlan;
        }
        if (Options.TestEncoding is not { } encoding || TestCount == 0)
        {
            throw DealerError.InvalidArgument("This job evaluates clean test images: it has no test-time encodings.");
        }
        using var prg = new AesCtrPrg(_testPlanSeed ?? Seed.Random());
        int d = Spec.Input[0] * Spec.Input[1] * Spec.Input[2];
        _testPlan = TestEncodingPlan.Draw(encoding, TestCount, TrainingCount, d, prg);
        return _testPlan;
    }

    private EpochHidingPlan DrawOrderOnly()
    {
        using var prg = new AesCtrPrg(Seed.Random());
        return EpochHidingPlan.Draw(InstaHideOptions.Off, TrainingCount, 1, prg);
    }

    public void Dispose()
    {
        _hiding?.Dispose();
        _testPlan?.Dispose();
    }
}
