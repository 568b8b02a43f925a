using Imguard.Contracts.Jobs;
using Imguard.Mpc.Transport;
using Imguard.Party.Jobs.Resume;

namespace Imguard.Party.Jobs.Agreement;

/// <summary>
/// The parties' agreement over a fresh peer link, before an attempt computes anything: one exchange of seven words
/// each way — the agreement's version, the SHA-256 digest of the job description (four words; must match) and the
/// epoch counts of this party's two newest checkpoints (0: none) — from which both pick the same checkpoint to start
/// from (<see cref="ResumePolicy.ResumeEpoch"/>).
/// </summary>
internal static class PeerAgreement
{
    private const ulong Version = 1;

    /// <summary>The largest epoch count both parties hold a checkpoint of (0: none in common).</summary>
    public static async Task<int> AgreeAsync(IPeerChannel channel, JobDescription description, JobFolder folder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(folder);
        byte[] digest = JobDescriptionDigest.Compute(description);
        IReadOnlyList<int> mine = folder.CheckpointEpochs();
        var send = new ulong[7];
        send[0] = Version;
        for (int i = 0; i < 4; i++)
        {
            send[1 + i] = BitConverter.ToUInt64(digest, i * 8);
        }
        send[5] = mine.Count > 0 ? (ulong)mine[0] : 0;
        send[6] = mine.Count > 1 ? (ulong)mine[1] : 0;
        var receive = new ulong[7];
        await channel.ExchangeAsync(send, receive, cancellationToken);
        if (receive[0] != Version)
        {
            throw new InvalidDataException($"The other party speaks job agreement version {receive[0]}; this party speaks {Version}.");
        }
        if (!send.AsSpan(1, 4).SequenceEqual(receive.AsSpan(1, 4)))
        {
            throw new InvalidDataException("The two parties were given different job descriptions.");
        }
        return ResumePolicy.ResumeEpoch(mine, [receive[5], receive[6]]);
    }
}
