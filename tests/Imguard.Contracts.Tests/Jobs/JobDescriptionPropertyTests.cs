using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Imguard.Contracts.Jobs;

namespace Imguard.Contracts.Tests.Jobs;

/// <summary>
/// Property tests of the JSON the roles send each other about jobs: the platform's job description (which a party
/// parses, checks and digests) and the parties' reports and dealer messages (which the platform parses). Parsed as
/// ASP.NET parses a body (web defaults): a description round-trips with its digest, and hostile JSON either fails to
/// deserialize with a <see cref="JsonException"/> or yields an object whose <see cref="JobDescription.Check"/>
/// answers without throwing.
/// </summary>
public sealed class JobDescriptionPropertyTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static readonly Gen<string> Id = Gen.Select(Gen.Char.AlphaNumeric, Gen.Char["abcXYZ019._-"].Array[0, 40], (first, rest) => first + new string(rest));

    private static readonly Gen<JobTrainingOptions> Training =
        from counts in Gen.Select(Gen.Int[1, 1000], Gen.Int[1, 65_536], Gen.Int[1, 64], Gen.Int[0, JobTrainingOptions.MaxTestEncodings])
        from rates in Gen.Select(Gen.Double[1e-6, 10], Gen.Double[0, 0.999], Gen.Double[0, 0.1], Gen.Double[0.3, 1])
        from schedule in Gen.OneOf("constant", "cosine", "step:5:0.5")
        from hiding in Gen.OneOf(HidingModes.Off, HidingModes.Mixup, HidingModes.InstaHide)
        from flags in Gen.Select(Gen.Bool, Gen.OneOf(32, 64), Gen.Double[0, 1])
        select new JobTrainingOptions
        {
            Epochs = counts.Item1,
            BatchSize = counts.Item2,
            K = counts.Item3,
            TestEncodings = hiding == HidingModes.Off ? 0 : counts.Item4,
            LearningRate = rates.Item1,
            Momentum = rates.Item2,
            WeightDecay = rates.Item3,
            UpperBound = rates.Item4,
            TestOwnCoefficientMin = flags.Item3 * rates.Item4,
            Schedule = schedule,
            Hiding = hiding,
            RevealLoss = flags.Item1,
            ComparisonBits = flags.Item2,
        };

    private static readonly Gen<JobDescription> Description =
        from ids in Gen.Select(Id, Id, Id, Id.Null(), Id.Null())
        from spec in Gen.String[0, 200].Select(s => "{" + s + "}")
        from training in Training
        from numbers in Gen.Select(Gen.Int[1, 40], Gen.Int[2, 64], Gen.Int[0, 1000])
        select new JobDescription
        {
            JobId = ids.Item1,
            ProjectId = ids.Item2,
            TrainDatasetId = ids.Item3,
            TestDatasetId = ids.Item4 ?? (ids.Item5 is null ? null : ids.Item5 + "-test"),
            ModelFromJobId = ids.Item4 is null ? null : ids.Item5,
            ModelSpecJson = spec,
            Training = training,
            FractionalBits = numbers.Item1,
            ComparisonBits = numbers.Item2,
            Attempt = numbers.Item3,
        };

    [Fact]
    public void Descriptions_round_trip_through_json_and_keep_their_digest()
    {
        Description.Sample(description =>
        {
            Assert.Null(description.Check());
            byte[] json = JsonSerializer.SerializeToUtf8Bytes(description, Web);
            var again = JsonSerializer.Deserialize<JobDescription>(json, Web);
            Assert.Equal(description, again);
            Assert.Equal(JobDescriptionDigest.Compute(description), JobDescriptionDigest.Compute(again!));
            Assert.Equal(JobDescriptionDigest.Compute(description), JobDescriptionDigest.Compute(description with { Attempt = description.Attempt + 1 }));
        }, iter: 500);
    }

    [Fact]
    public void Descriptions_that_differ_in_anything_but_the_attempt_have_different_digests()
    {
        Gen.Select(Description, Description, Gen.Int[0, 9]).Sample((a, b, field) =>
        {
            // b's value of one field moved into a: the two differ in exactly that field (when the values differ).
            var changed = field switch
            {
                0 => a with { JobId = b.JobId },
                1 => a with { ProjectId = b.ProjectId },
                2 => a with { TrainDatasetId = b.TrainDatasetId },
                3 => a with { TestDatasetId = b.TestDatasetId },
                4 => a with { ModelFromJobId = b.ModelFromJobId },
                5 => a with { ModelSpecJson = b.ModelSpecJson },
                6 => a with { Training = b.Training },
                7 => a with { FractionalBits = b.FractionalBits },
                8 => a with { ComparisonBits = b.ComparisonBits },
                _ => a with { Training = a.Training with { LearningRate = BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(a.Training.LearningRate) + 1) } },
            };
            Assert.Equal(a == changed, JobDescriptionDigest.Compute(a).AsSpan().SequenceEqual(JobDescriptionDigest.Compute(changed)));
        }, iter: 500);
    }

    /// <summary>JSON values of every kind, including extremes and the wrong types for each field.</summary>
    private static readonly Gen<JsonNode?> AnyValue = Gen.OneOf<JsonNode?>(
        null, JsonValue.Create(0), JsonValue.Create(-1), JsonValue.Create(int.MaxValue), JsonValue.Create(long.MaxValue), JsonValue.Create(1e308),
        JsonValue.Create(-1e-308), JsonValue.Create(0.5), JsonValue.Create(""), JsonValue.Create(" "), JsonValue.Create("x"), JsonValue.Create("job-1"),
        JsonValue.Create("../../etc"), JsonValue.Create("a\u0000b"), JsonValue.Create("NaN"), JsonValue.Create("Infinity"), JsonValue.Create(true),
        JsonValue.Create("instahide"), JsonValue.Create("step:0:2"), new JsonArray(), new JsonObject(), new JsonArray(JsonValue.Create(1)));

    private static readonly string[] DescriptionFields =
        ["jobId", "projectId", "trainDatasetId", "testDatasetId", "modelFromJobId", "modelSpecJson", "training", "fractionalBits", "comparisonBits", "attempt"];

    private static readonly string[] TrainingFields =
        ["epochs", "batchSize", "learningRate", "momentum", "weightDecay", "schedule", "hiding", "k", "upperBound", "revealLoss", "comparisonBits", "testEncodings", "testOwnCoefficientMin"];

    /// <summary>Deserialises as a party's endpoint does; any exception but a JsonException fails the property.</summary>
    private static T? Parse<T>(ReadOnlySpan<byte> json) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Web);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [Fact]
    public void A_description_with_any_field_replaced_or_removed_is_refused_by_json_or_by_its_check_never_by_a_crash()
    {
        int checkedOk = 0, refused = 0;
        Gen.Select(Description, Gen.Int[0, DescriptionFields.Length + TrainingFields.Length - 1].Array[1, 3], AnyValue.Array[3], Gen.Bool).Sample((description, fields, values, remove) =>
        {
            var node = JsonSerializer.SerializeToNode(description, Web)!.AsObject();
            for (int i = 0; i < fields.Length; i++)
            {
                var (target, name) = fields[i] < DescriptionFields.Length
                    ? (node, DescriptionFields[fields[i]])
                    : (node["training"] as JsonObject ?? node, TrainingFields[fields[i] - DescriptionFields.Length]);
                if (remove && i == 0)
                {
                    target.Remove(name);
                }
                else
                {
                    target[name] = values[i]?.DeepClone();
                }
            }
            var parsed = Parse<JobDescription>(Encoding.UTF8.GetBytes(node.ToJsonString()));
            if (parsed?.Check() is null && parsed is not null)
            {
                Interlocked.Increment(ref checkedOk);
                // What passes the check is what the check promises.
                Assert.True(JobIds.IsValid(parsed.JobId));
                Assert.False(string.IsNullOrWhiteSpace(parsed.ProjectId) || string.IsNullOrWhiteSpace(parsed.TrainDatasetId) || string.IsNullOrWhiteSpace(parsed.ModelSpecJson));
                Assert.InRange(parsed.FractionalBits, 1, 40);
                Assert.InRange(parsed.ComparisonBits, 2, 64);
                Assert.True(parsed.Attempt >= 0);
                Assert.NotNull(parsed.Training);
                Assert.True(double.IsFinite(parsed.Training.LearningRate) && parsed.Training.LearningRate > 0);
                Assert.False(string.IsNullOrWhiteSpace(parsed.Training.Schedule));
                _ = JobDescriptionDigest.Compute(parsed);
            }
            else
            {
                Interlocked.Increment(ref refused);
            }
        }, iter: 1000);
        Assert.True(checkedOk > 50 && refused > 100, $"{checkedOk} passed the check, {refused} refused");
    }

    [Fact]
    public void Random_bytes_and_byte_mutations_of_a_description_are_refused_by_json_or_by_its_check()
    {
        Gen.Frequency(
            (1, Gen.Byte.Array[0, 300]),
            (3, Gen.Select(Description, Gen.Int[0, int.MaxValue], Gen.Byte, Gen.Int[0, 2]).Select((d, at, value, how) =>
            {
                byte[] json = JsonSerializer.SerializeToUtf8Bytes(d, Web);
                int i = at % json.Length;
                return how switch
                {
                    0 => [.. json[..i], value, .. json[(i + 1)..]],
                    1 => json[..i],
                    _ => [.. json[..i], value, .. json[i..]],
                };
            })))
        .Sample(json => _ = Parse<JobDescription>(json)?.Check(), iter: 1500);
    }

    [Fact]
    public void Deeply_nested_or_huge_json_is_refused_as_json()
    {
        Gen.Int[1, 5000].Sample(depth =>
        {
            string nested = "{\"jobId\":\"j\",\"training\":" + new string('[', depth) + new string(']', depth) + "}";
            Assert.Null(Parse<JobDescription>(Encoding.UTF8.GetBytes(nested)));
        }, iter: 200);
    }

    [Fact]
    public void Party_reports_and_dealer_messages_round_trip_and_hostile_json_is_refused_as_json()
    {
        var reports = Gen.Frequency(
            (1, Gen.Select(Gen.Int, Gen.Long, Gen.Long, Gen.Double[-1e12, 1e12], Gen.Double[-1e12, 1e12].Nullable(), Gen.Int.Nullable()).Select(
                (epoch, step, total, speed, loss, checkpoint) => (object)new JobProgressReport(epoch, step, total, speed, loss, checkpoint))),
            (1, Gen.Select(Gen.Enum<JobState>(), Gen.String.Null(), Gen.Bool).Select((state, message, resume) => (object)new JobStateReport(state, message, resume))),
            (1, Gen.Select(Gen.Enum<JobLogLevel>(), Gen.String.Null()).Select((level, message) => (object)new JobLogReport(level, message))),
            (1, Gen.Int.Select(attempt => (object)new DealerAttemptRequest(attempt))),
            (1, Gen.Select(Gen.String, Gen.Enum<JobState>(), Gen.Int).Select((id, state, attempt) => (object)new JobStartReply(id, state, attempt))));
        reports.Sample(report =>
        {
            var type = report.GetType();
            string json = JsonSerializer.Serialize(report, type, Web);
            Assert.Equal(report, JsonSerializer.Deserialize(json, type, Web));
        }, iter: 1000);

        var types = new[] { typeof(JobProgressReport), typeof(JobStateReport), typeof(JobLogReport), typeof(DealerAttemptRequest), typeof(DealerAttemptReply), typeof(JobStartReply) };
        Gen.Select(Gen.Int[0, types.Length - 1], Gen.Frequency(
            (1, Gen.Byte.Array[0, 200]),
            (2, Gen.Select(Gen.OneOf("epoch", "step", "totalSteps", "imagesPerSecond", "loss", "state", "message", "level", "attempt", "jobSeed", "trainingCount", "minAttempt"), AnyValue)
                .Select((name, value) => Encoding.UTF8.GetBytes(new JsonObject { [name] = value?.DeepClone() }.ToJsonString())))))
        .Sample((type, json) =>
        {
            try
            {
                _ = JsonSerializer.Deserialize(json, types[type], Web);
            }
            catch (JsonException)
            {
            }
        }, iter: 2000);
    }

    [Fact]
    public void A_dealer_attempt_reply_round_trips_its_seeds()
    {
        Gen.Select(Gen.Int, Gen.Byte.Array[16], Gen.Byte.Array[16], Gen.Int).Sample((attempt, jobSeed, randomnessSeed, count) =>
        {
            var reply = new DealerAttemptReply(attempt, jobSeed, randomnessSeed, count);
            var again = JsonSerializer.Deserialize<DealerAttemptReply>(JsonSerializer.Serialize(reply, Web), Web)!;
            Assert.Equal((attempt, count), (again.Attempt, again.TrainingCount));
            Assert.Equal(jobSeed, again.JobSeed);
            Assert.Equal(randomnessSeed, again.RandomnessSeed);
        }, iter: 300);
    }

    [Theory]
    [InlineData("\"Infinity\"")]
    [InlineData("\"NaN\"")]
    [InlineData("1.5")]
    [InlineData("0")]
    public void An_upper_bound_outside_0_to_1_fails_the_check_instead_of_the_digest(string upperBound)
    {
        // ASP.NET's web defaults read numbers from strings, "Infinity" included; Check() passed it and the digest
        // (JSON, which has no infinity) then threw ArgumentException. Found by the property above.
        var description = new JobDescription { JobId = "job-1", ProjectId = "p", TrainDatasetId = "d", ModelSpecJson = "{}" };
        var node = JsonSerializer.SerializeToNode(description, Web)!.AsObject();
        node["training"]!["upperBound"] = JsonNode.Parse(upperBound);
        var parsed = JsonSerializer.Deserialize<JobDescription>(node.ToJsonString(), Web)!;
        Assert.Contains("upper bound", parsed.Check(), StringComparison.Ordinal);
    }
}
