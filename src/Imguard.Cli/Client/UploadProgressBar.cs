namespace Imguard.Cli.Client;

/// <summary>One line of upload progress for both parties, redrawn in place on a terminal and printed in steps otherwise.</summary>
internal sealed class UploadProgressBar : IProgress<(int Party, long Sent, long Total)>
{
    private readonly Lock _gate = new();
    private readonly long[] _sent = new long[2];
    private readonly long[] _total = new long[2];
    private readonly int[] _lastPrinted = [-1, -1];

    public void Report((int Party, long Sent, long Total) value)
    {
        lock (_gate)
        {
            _sent[value.Party] = value.Sent;
            _total[value.Party] = value.Total;
            int percent0 = Percent(0), percent1 = Percent(1);
            if (!Console.IsOutputRedirected)
            {
                Console.Write($"\r  party 0 {Bar(percent0)} {percent0,3}%   party 1 {Bar(percent1)} {percent1,3}%");
            }
            else if (Percent(value.Party) / 25 != _lastPrinted[value.Party] / 25)
            {
                Console.WriteLine($"  party {value.Party}: {Percent(value.Party)}% of {_total[value.Party]} bytes");
            }
            _lastPrinted[value.Party] = Percent(value.Party);
        }
    }

    public void Finish()
    {
        lock (_gate)
        {
            if (!Console.IsOutputRedirected && _lastPrinted[0] + _lastPrinted[1] > -2)
            {
                Console.WriteLine();
            }
        }
    }

    private int Percent(int party) => _total[party] == 0 ? 0 : (int)(100 * _sent[party] / _total[party]);

    private static string Bar(int percent) => "[" + new string('#', percent / 5).PadRight(20, '.') + "]";
}
