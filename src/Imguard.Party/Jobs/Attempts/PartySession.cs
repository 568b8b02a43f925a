using Imguard.Learning.Training;

namespace Imguard.Party.Jobs.Attempts;

/// <summary>
/// This party's side of the secure computation for one attempt, as <see cref="PartySessionFactory"/> opens it: the
/// model on shares over the peer link (<see cref="Training"/>, also used for inference) and the attempt's dealer
/// items it consumes (<see cref="Items"/>, closed with the session).
/// </summary>
internal sealed class PartySession(RemoteDealerFeed items, SecureTraining training) : IAsyncDisposable
{
    public RemoteDealerFeed Items => items;

    public SecureTraining Training => training;

    public ValueTask DisposeAsync() => items.DisposeAsync();
}
