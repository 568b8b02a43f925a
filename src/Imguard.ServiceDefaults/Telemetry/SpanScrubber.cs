using System.Diagnostics;
using OpenTelemetry;

namespace Imguard.ServiceDefaults.Telemetry;

/// <summary>
/// Removes from every finished span what could carry a user's values before any exporter sees it: request paths and
/// query strings (they hold dataset, upload, job and model ids, user and project names), full client URLs (kept as
/// scheme, host and port), and browsers' user agents. The route template (<c>http.route</c>), the method, the status
/// and our own spans' job id and attempt stay.
/// </summary>
internal sealed class SpanScrubber : BaseProcessor<Activity>
{
    private static readonly string[] Removed = ["url.path", "url.query", "user_agent.original", "http.target", "http.url"];

    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        foreach (string tag in Removed)
        {
            if (data.GetTagItem(tag) is not null)
            {
                data.SetTag(tag, null);
            }
        }
        if (data.GetTagItem("url.full") is string full)
        {
            data.SetTag("url.full", Uri.TryCreate(full, UriKind.Absolute, out Uri? url) ? url.GetLeftPart(UriPartial.Authority) : null);
        }
    }
}
