namespace Imguard.Mpc;

/// <summary>The peer sent something the protocol does not allow (a frame too large, of the wrong size, or out of step).</summary>
public sealed class PeerProtocolException : IOException
{
    public PeerProtocolException() { }
    public PeerProtocolException(string message) : base(message) { }
    public PeerProtocolException(string message, Exception? inner) : base(message, inner) { }
}
