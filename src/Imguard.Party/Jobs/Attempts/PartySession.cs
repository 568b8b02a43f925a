using Imguard.Learning.Training;
using Imguard.Mpc.Protocols;

namespace Imguard.Party.Jobs.Attempts;

/// <summary>
/// This party's side of the secure computation for one attempt, as <see cref="PartySessionFactory"/> opens it: the
/// model on shares over the peer link (<see cref="Training"/>, also used for inference) and the attempt's dealer
/// items it consumes (<see cref="Items"/>, closed with the session). <see cref="Context"/> is the same party context, for
/// the protocols an attempt runs besides the model's (the union's standardisation).
/// </summary>
internal sealed class PartySession(RemoteDealerFeed items, PartyContext context, SecureTraining training) : IAsyncDisposable
{
    public RemoteDealerFeed Items => items;

    public PartyContext Context => context;

    public SecureTraining Training => training;

    public ValueTask DisposeAsync() => items.DisposeAsync();
}
