using Imguard.Dealer.Training;
using Imguard.Learning.Data;
using Imguard.Learning.Hiding;
using Imguard.Learning.Nn;
using Imguard.Learning.Tests.Data;
using Imguard.Learning.Tests.Hiding;
using Imguard.Learning.Tests.Nn;
using Imguard.Learning.Training;
using Imguard.Mpc.Simulation;

namespace Imguard.Learning.Tests.Training;

public sealed class ModelCheckpointTests
{
    private static readonly ModelSpec Spec = new([1, SyntheticImages.Side, SyntheticImages.Side], SyntheticImages.Classes,
        [new("flatten"), new("linear", Out: 16), new("relu"), new("linear", Out: SyntheticImages.Classes)]);

    [Fact]
    public async Task A_job_resumed_from_its_epoch_checkpoints_with_a_fresh_dealer_ends_where_the_plaintext_run_ends()
    {
        using var folder = new TempDirectory();
        var train = SyntheticImages.Make(24, 4);
        var hiding = new InstaHideOptions(HidingMode.InstaHide, 3);
        var options = new TrainingOptions { Epochs = 2, BatchSize = 8, Hiding = hiding };
        var initial = SecureTrainingTests.InitialParameters(11);
        EpochHidingPlan Plan(int epoch) => HidingTestSupport.Draw(hiding, train.Count, train.ImageSize, 900 + (ulong)epoch);
        var f = SharedPlain.Format;
        var (d0, d1) = SharedDataset.Share(train, f);
        string PathOf(int party) => Path.Combine(folder.Path, $"party{party}", "model.share");

        // Run 1 stops after epoch 0 (a crash after the checkpoint).
        using (var dealer = new TrainingDealer(Spec, options, train.Count, f, initial, Plan))
        {
            var inProcess = new InProcessTrainingDealer(dealer);
            await TwoPartySimulation.RunAsync(async ctx =>
            {
                var session = await SecureTraining.CreateAsync(ctx, Spec, options with { Epochs = 1 }, inProcess.FeedFor(ctx.PartyId));
                await session.TrainAsync(ctx.PartyId == 0 ? d0 : d1, PathOf(ctx.PartyId));
                return 0;
            }, f, comparisonBits: 32);
        }
        Assert.Equal(1, ModelCheckpoint.Load(PathOf(0)).EpochsCompleted);

        // Run 2: new seeds (streams must never repeat), resumes at epoch 1 from each party's own file.
        using (var dealer = new TrainingDealer(Spec, options, train.Count, f, drawPlan: Plan))
        {
            var inProcess = new InProcessTrainingDealer(dealer);
            await TwoPartySimulation.RunAsync(async ctx =>
            {
                var session = await SecureTraining.CreateAsync(ctx, Spec, options, inProcess.FeedFor(ctx.PartyId), ModelCheckpoint.Load(PathOf(ctx.PartyId)));
                Assert.Equal(1, session.NextEpoch);
                await session.TrainAsync(ctx.PartyId == 0 ? d0 : d1, PathOf(ctx.PartyId));
                return 0;
            }, f, comparisonBits: 32);
        }
        var resumed = ModelCheckpoint.Reconstruct(ModelCheckpoint.Load(PathOf(0)), ModelCheckpoint.Load(PathOf(1)));

        var plainModel = ModelBuilder.Build(Spec, initial.Select(p => p.Clone()).ToArray());
        var trainer = new Trainer<PlainTensor>(PlainEngine.Instance, plainModel, options);
        var source = new PlainBatchSource(train, hiding, options.BatchSize, Plan);
        await trainer.TrainEpochAsync(source, 0, null);
        await trainer.TrainEpochAsync(source, 1, null);
        var expected = plainModel.Parameters.Select(p => p.Value).ToArray();
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.InRange(SharedPlain.MaxAbsDifference(expected[i], resumed[i]), 0, 2e-3);   // as an uninterrupted run
        }
        Assert.Empty(Directory.GetFiles(folder.Path, "*.tmp", SearchOption.AllDirectories));  // atomic writes leave no temp files
    }

    [Fact]
    public void Files_round_trip_and_any_flipped_or_missing_byte_is_a_clear_error()
    {
        using var folder = new TempDirectory();
        var (c0, c1) = Checkpoints();
        string path = Path.Combine(folder.Path, "p0.share");
        c0.Save(path);
        var loaded = ModelCheckpoint.Load(path);
        Assert.Equal(c0.EpochsCompleted, loaded.EpochsCompleted);
        Assert.Equal(c0.Values[0].Data, loaded.Values[0].Data);
        Assert.Equal(c0.Velocities[1]!.Data, loaded.Velocities[1]!.Data);
        Assert.Null(loaded.Velocities[0]);

        var bytes = File.ReadAllBytes(path);
        var flipped = (byte[])bytes.Clone();
        flipped[bytes.Length / 2] ^= 0x10;
        File.WriteAllBytes(path, flipped);
        Assert.Contains("checksum", Assert.ThrowsAny<InvalidDataException>(() => ModelCheckpoint.Load(path)).Message, StringComparison.Ordinal);
        File.WriteAllBytes(path, bytes[..^40]);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => ModelCheckpoint.Load(path)).Message, StringComparison.Ordinal);
        File.WriteAllBytes(path, [.. "NOTMODEL"u8, .. bytes[8..]]);
        Assert.Contains("not an IMGuard model share", Assert.Throws<InvalidDataException>(() => ModelCheckpoint.Load(path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Halves_reconstruct_the_model_and_mismatched_halves_are_refused()
    {
        var (c0, c1) = Checkpoints();
        var model = ModelCheckpoint.Reconstruct(c0, c1);
        Assert.Equal(1.5, model[0].Data[0], 4);
        Assert.Throws<InvalidDataException>(() => ModelCheckpoint.Reconstruct(c1, c0));
        var later = new ModelCheckpoint(1, c1.Format, 5, c1.Spec, c1.Values, c1.Velocities);
        Assert.Throws<InvalidDataException>(() => ModelCheckpoint.Reconstruct(c0, later));
    }

    private static (ModelCheckpoint, ModelCheckpoint) Checkpoints()
    {
        var spec = new ModelSpec([1, 2, 2], 2, [new("flatten"), new("linear", Out: 2)]);
        var w = new PlainTensor([1.5, -2, 0.25, 3, 0, 1, -1, 2], 4, 2);
        var b = new PlainTensor([0.5, -0.5], 2);
        var (w0, w1) = SharedPlain.Share(w);
        var (b0, b1) = SharedPlain.Share(b);
        var (v0, v1) = SharedPlain.Share(b);
        return (new ModelCheckpoint(0, SharedPlain.Format, 3, spec, [w0.Share, b0.Share], [null, v0.Share]),
                new ModelCheckpoint(1, SharedPlain.Format, 3, spec, [w1.Share, b1.Share], [null, v1.Share]));
    }
}
