using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Imguard.Testing;

/// <summary>
/// Sums the measurements of instruments named <c>imguard.*</c> that are recorded in the test's own flow of execution
/// (an instrument records on the caller's thread, in its async flow), so tests running in parallel that record into
/// the same static instruments do not count; and reads observable instruments of one meter scope on request.
/// </summary>
internal sealed class FlowMeasurements : IDisposable
{
    private readonly AsyncLocal<bool> _mine = new();
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, double> _sums = new();
    private readonly ConcurrentDictionary<string, bool> _observed = new();
    private readonly object? _scope;

    /// <param name="scope">Observable instruments are read only from meters of this scope.</param>
    public FlowMeasurements(object? scope = null)
    {
        _scope = scope;
        _mine.Value = true;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name.StartsWith("imguard.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Record(instrument, value));
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => Record(instrument, value));
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => Record(instrument, value));
        _listener.Start();
    }

    /// <summary>The sum of what <paramref name="instrument"/> recorded in this flow (or, observable, reported now).</summary>
    public double Sum(string instrument) => _sums.TryGetValue(instrument, out double sum) ? sum : 0;

    /// <summary>Reads the observable instruments of the scope now (their previous readings are forgotten).</summary>
    public void Observe()
    {
        foreach (string name in _observed.Keys)
        {
            _sums.TryRemove(name, out _);
        }
        _listener.RecordObservableInstruments();
    }

    private void Record(Instrument instrument, double value)
    {
        if (instrument.IsObservable)
        {
            if (_scope is not null && ReferenceEquals(instrument.Meter.Scope, _scope))
            {
                _observed[instrument.Name] = true;
                _sums.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
            }
        }
        else if (_mine.Value)
        {
            _sums.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
        }
    }

    public void Dispose() => _listener.Dispose();
}
