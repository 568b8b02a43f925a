namespace Imguard.Mpc;

/// <summary>The connection to the other party ended, cleanly or not, before the protocol was done with it.</summary>
public sealed class PeerDisconnectedException : IOException
{
    public PeerDisconnectedException() { }
    public PeerDisconnectedException(string message) : base(message) { }
    public PeerDisconnectedException(string message, Exception? inner) : base(message, inner) { }
}
