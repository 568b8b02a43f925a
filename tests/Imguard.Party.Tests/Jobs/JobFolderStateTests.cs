using Imguard.Contracts.Jobs;
using Imguard.Party.Jobs;

namespace Imguard.Party.Tests.Jobs;

/// <summary>
/// A job's state.json carries the one job-state vocabulary by name ("Running"), and a file an earlier party wrote in
/// lowercase ("running") still reads, so a party upgraded mid-job resumes it.
/// </summary>
public sealed class JobFolderStateTests
{
    [Fact]
    public void State_json_is_written_by_name_and_an_earlier_lowercase_file_reads()
    {
        using var dir = new TempDirectory();
        var folder = new JobFolder(Path.Combine(dir.Path, "jobs"), "job-words");
        folder.Create(
            new JobDescription { JobId = "job-words", ProjectId = "prj-1", TrainDatasetId = "ds-a", ModelSpecJson = "{}" },
            new JobLocalState(JobState.Running, 3, null, DateTimeOffset.UnixEpoch));
        string statePath = Path.Combine(folder.Path, "state.json");
        Assert.Contains("\"state\": \"Running\"", File.ReadAllText(statePath), StringComparison.Ordinal);

        File.WriteAllText(statePath, File.ReadAllText(statePath).Replace("\"Running\"", "\"running\"", StringComparison.Ordinal));
        Assert.Equal(new JobLocalState(JobState.Running, 3, null, DateTimeOffset.UnixEpoch), folder.ReadState());
    }
}
