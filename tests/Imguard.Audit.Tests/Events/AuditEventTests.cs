using Imguard.Audit.Events;

namespace Imguard.Audit.Tests.Events;

public sealed class AuditEventTests
{
    [Fact]
    public void An_event_freezes_its_properties_at_construction()
    {
        var properties = new AuditProperties().Add("count", 3);
        var e = new AuditEvent("dataset.uploaded", "user:alice", ["project:7", "dataset:ds-12"], properties);
        properties.Add("late", 1);
        Assert.Equal("""{"count":3}""", e.PropertiesJson);
        Assert.Equal(["project:7", "dataset:ds-12"], e.Subjects);
        Assert.Equal("{}", new AuditEvent("user.login", "user:bob").PropertiesJson);
    }

    [Theory]
    [InlineData("", "user:alice")]
    [InlineData("Dataset.Uploaded", "user:alice")]
    [InlineData("dataset uploaded", "user:alice")]
    [InlineData("dataset.uploaded", "")]
    [InlineData("dataset.uploaded", "user alice")]
    [InlineData("dataset.uploaded", "k8sX2vQ9pL3mN7rT1wY5zA4bC6dE8fG0hJ2kL4")]
    public void Bad_event_types_and_actors_are_refused(string eventType, string actor) =>
        Assert.Throws<ArgumentException>(() => new AuditEvent(eventType, actor));

    [Fact]
    public void Bad_subjects_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new AuditEvent("job.started", "platform", [""]));
        Assert.Throws<ArgumentException>(() => new AuditEvent("job.started", "platform", [new string('s', AuditEvent.MaxSubjectLength + 1)]));
        Assert.Throws<ArgumentException>(() => new AuditEvent("job.started", "platform", Enumerable.Range(0, AuditEvent.MaxSubjects + 1).Select(i => $"s:{i}")));
        Assert.Throws<ArgumentException>(() => new AuditEvent("job.started", "platform", ["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig"]));
    }
}
