using Imguard.Audit.Events;
using Imguard.Audit.Ledger;
using Imguard.Contracts.Audit;
using Microsoft.EntityFrameworkCore;

namespace Imguard.Audit.Storage;

/// <summary>
/// The audit schema, written once for every provider. Each provider has its own sealed subclass
/// (<see cref="SqliteAuditDbContext"/>, <see cref="PostgresAuditDbContext"/>) so that each keeps its own migrations
/// (<c>Storage/Migrations/Sqlite</c>, <c>Storage/Migrations/Postgres</c>): column types differ between them.
/// Names are snake_case and fixed here, so raw SQL (operators, tests) can rely on them.
/// </summary>
internal abstract class AuditDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<AuditRecordEntity> Records => Set<AuditRecordEntity>();

    public DbSet<AuditSubjectEntity> Subjects => Set<AuditSubjectEntity>();

    public DbSet<AuditCheckpointEntity> Checkpoints => Set<AuditCheckpointEntity>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<AuditRecordEntity>(record =>
        {
            record.ToTable("audit_records");
            record.HasKey(r => r.Sequence).HasName("pk_audit_records");
            record.Property(r => r.Sequence).HasColumnName("sequence").ValueGeneratedNever();
            record.Property(r => r.TimestampMicroseconds).HasColumnName("timestamp_us");
            record.Property(r => r.EventType).HasColumnName("event_type").HasMaxLength(AuditEvent.MaxEventTypeLength);
            record.Property(r => r.Actor).HasColumnName("actor").HasMaxLength(AuditEvent.MaxActorLength);
            record.Property(r => r.PropertiesJson).HasColumnName("properties_json");
            record.Property(r => r.PreviousHash).HasColumnName("previous_hash");
            record.Property(r => r.RecordHash).HasColumnName("record_hash");
            record.Property(r => r.Sender).HasColumnName("sender").HasMaxLength(AuditDelivery.MaxSenderLength);
            record.Property(r => r.EventId).HasColumnName("event_id").HasMaxLength(AuditEventMessage.MaxEventIdLength);
            // Exactly-once delivery: one record per (sender, event id); rows without an id (NULL) never collide.
            record.HasIndex(r => new { r.Sender, r.EventId }).IsUnique().HasDatabaseName("ux_audit_records_sender_event_id");
            record.HasIndex(r => r.EventType).HasDatabaseName("ix_audit_records_event_type");
            record.HasIndex(r => r.Actor).HasDatabaseName("ix_audit_records_actor");
            record.HasIndex(r => r.TimestampMicroseconds).HasDatabaseName("ix_audit_records_timestamp_us");
            record.HasMany(r => r.Subjects).WithOne().HasForeignKey(s => s.RecordSequence)
                .HasConstraintName("fk_audit_record_subjects_record").OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<AuditSubjectEntity>(subject =>
        {
            subject.ToTable("audit_record_subjects");
            subject.HasKey(s => new { s.RecordSequence, s.Position }).HasName("pk_audit_record_subjects");
            subject.Property(s => s.RecordSequence).HasColumnName("record_sequence");
            subject.Property(s => s.Position).HasColumnName("position");
            subject.Property(s => s.SubjectId).HasColumnName("subject_id").HasMaxLength(AuditEvent.MaxSubjectLength);
            subject.HasIndex(s => new { s.SubjectId, s.RecordSequence }).HasDatabaseName("ix_audit_record_subjects_subject_id");
        });

        modelBuilder.Entity<AuditCheckpointEntity>(checkpoint =>
        {
            checkpoint.ToTable("audit_checkpoints");
            checkpoint.HasKey(c => c.Sequence).HasName("pk_audit_checkpoints");
            checkpoint.Property(c => c.Sequence).HasColumnName("sequence").ValueGeneratedNever();
            checkpoint.Property(c => c.TimestampMicroseconds).HasColumnName("timestamp_us");
            checkpoint.Property(c => c.ChainHash).HasColumnName("chain_hash");
            checkpoint.Property(c => c.KeyId).HasColumnName("key_id").HasMaxLength(64);
            checkpoint.Property(c => c.Signature).HasColumnName("signature");
            checkpoint.Property(c => c.PreviousSequence).HasColumnName("previous_sequence");
            checkpoint.Property(c => c.PreviousDigest).HasColumnName("previous_digest");
            checkpoint.Property(c => c.PolicyInterval).HasColumnName("policy_interval");
            checkpoint.Property(c => c.PolicyPeriodMicroseconds).HasColumnName("policy_period_us");
        });
    }
}
