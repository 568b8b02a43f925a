using System.Text;
using Imguard.Contracts.Accounts;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Datasets;
using Imguard.Contracts.Jobs;
using Imguard.Contracts.Projects;
using Imguard.Platform.Accounts;
using Imguard.Platform.Datasets;
using Imguard.Platform.Jobs;
using Imguard.Platform.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Imguard.Platform.Data;

/// <summary>
/// The platform schema, written once for every provider. Each provider has its own sealed subclass
/// (<see cref="SqlitePlatformDbContext"/>, <see cref="PostgresPlatformDbContext"/>) so that each keeps its own
/// migrations (<c>Data/Migrations/Sqlite</c>, <c>Data/Migrations/Postgres</c>): column types differ between them.
/// Table, column, key and index names are snake_case and derived here in one place, so raw SQL (operators, tests)
/// can rely on them. Enums are stored by name. Rows implementing <see cref="IVersionedEntity"/> get their version
/// bumped on every update, which makes concurrent updates of the same row fail instead of overwriting each other.
/// </summary>
internal abstract class PlatformDbContext(DbContextOptions options) : DbContext(options)
{
    public const int MaxUserNameLength = 64;
    public const int MaxDisplayNameLength = 100;
    public const int MaxNameLength = 200;
    public const int MaxDescriptionLength = 4000;
    public const int MaxIdLength = 40;
    public const int DigestLength = 64;
    public const int MaxReasonLength = 1000;
    public const int MaxLogMessageLength = 4000;

    public DbSet<UserEntity> Users => Set<UserEntity>();

    public DbSet<ApiTokenEntity> ApiTokens => Set<ApiTokenEntity>();

    public DbSet<ProjectEntity> Projects => Set<ProjectEntity>();

    public DbSet<ProjectMemberEntity> ProjectMembers => Set<ProjectMemberEntity>();

    public DbSet<DatasetEntity> Datasets => Set<DatasetEntity>();

    public DbSet<DatasetHalfReportEntity> DatasetHalfReports => Set<DatasetHalfReportEntity>();

    public DbSet<JobEntity> Jobs => Set<JobEntity>();

    public DbSet<JobLogEntryEntity> JobLogEntries => Set<JobLogEntryEntity>();

    public DbSet<JobProgressPointEntity> JobProgressPoints => Set<JobProgressPointEntity>();

    public DbSet<JobEpochEntity> JobEpochs => Set<JobEpochEntity>();

    public DbSet<AuditCheckpointCopyEntity> AuditCheckpointCopies => Set<AuditCheckpointCopyEntity>();

    /// <summary>
    /// Marks a versioned row as updated even when no column changed, so that saving checks (and bumps) its version:
    /// a service that decides from a row's state claims the row this way, and a concurrent decision loses.
    /// </summary>
    public void Touch(IVersionedEntity entity)
    {
        var entry = Entry(entity);
        if (entry.State == EntityState.Unchanged)
        {
            entry.State = EntityState.Modified;
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        BumpVersions();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        BumpVersions();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<GlobalRole>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<ProjectRole>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<DatasetPurpose>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<DatasetStatus>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<JobState>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<JobLogLevel>().HaveConversion<string>().HaveMaxLength(16);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<UserEntity>(user =>
        {
            user.ToTable("users");
            user.HasKey(u => u.Id);
            user.Property(u => u.UserName).HasMaxLength(MaxUserNameLength);
            user.Property(u => u.NormalizedUserName).HasMaxLength(MaxUserNameLength);
            user.HasIndex(u => u.NormalizedUserName).IsUnique();
            user.Property(u => u.DisplayName).HasMaxLength(MaxDisplayNameLength);
            user.Property(u => u.PasswordHash).HasMaxLength(256);
            user.Property(u => u.Version).IsConcurrencyToken();
            user.Property(u => u.SigningKey).HasMaxLength(OwnerKeys.MaxEncodedLength);
        });

        modelBuilder.Entity<ApiTokenEntity>(token =>
        {
            token.ToTable("api_tokens");
            token.HasKey(t => t.Id);
            token.Property(t => t.Name).HasMaxLength(MaxDisplayNameLength);
            token.Property(t => t.TokenHash).HasMaxLength(32);
            token.HasIndex(t => t.TokenHash).IsUnique();
            token.Property(t => t.Prefix).HasMaxLength(16);
            token.HasIndex(t => t.Prefix);
            token.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ProjectEntity>(project =>
        {
            project.ToTable("projects");
            project.HasKey(p => p.Id);
            project.Property(p => p.Name).HasMaxLength(MaxNameLength);
            project.Property(p => p.Description).HasMaxLength(MaxDescriptionLength);
            project.Property(p => p.Version).IsConcurrencyToken();
            project.HasOne<UserEntity>().WithMany().HasForeignKey(p => p.CreatedBy).OnDelete(DeleteBehavior.Restrict);
            project.HasMany(p => p.Members).WithOne().HasForeignKey(m => m.ProjectId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ProjectMemberEntity>(member =>
        {
            member.ToTable("project_members");
            member.HasKey(m => new { m.ProjectId, m.UserId });
            member.HasIndex(m => m.UserId);
            member.HasOne(m => m.User).WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<DatasetEntity>(dataset =>
        {
            dataset.ToTable("datasets");
            dataset.HasKey(d => d.Id);
            dataset.Property(d => d.Id).HasMaxLength(MaxIdLength);
            dataset.Property(d => d.Name).HasMaxLength(MaxNameLength);
            dataset.Property(d => d.Party0Digest).HasMaxLength(DigestLength);
            dataset.Property(d => d.Party1Digest).HasMaxLength(DigestLength);
            dataset.Property(d => d.RejectionReason).HasMaxLength(MaxReasonLength);
            dataset.Property(d => d.Version).IsConcurrencyToken();
            dataset.HasIndex(d => d.ProjectId);
            dataset.HasOne<ProjectEntity>().WithMany().HasForeignKey(d => d.ProjectId).OnDelete(DeleteBehavior.Restrict);
            dataset.HasOne(d => d.Creator).WithMany().HasForeignKey(d => d.CreatedBy).OnDelete(DeleteBehavior.Restrict);
            dataset.Property(d => d.OwnerKey).HasMaxLength(OwnerKeys.MaxEncodedLength);
            // Rows from before clients said how they scaled hold what those clients shared: their owner's own statistics.
            dataset.Property(d => d.Scaling).HasMaxLength(16).HasDefaultValue(PixelScalings.Own);
            dataset.HasMany(d => d.Reports).WithOne().HasForeignKey(r => r.DatasetId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<DatasetHalfReportEntity>(report =>
        {
            report.ToTable("dataset_half_reports");
            report.HasKey(r => new { r.DatasetId, r.PartyId });
            report.Property(r => r.DatasetId).HasMaxLength(MaxIdLength);
            report.Property(r => r.Digest).HasMaxLength(DigestLength);
            report.Property(r => r.OwnerKey).HasMaxLength(OwnerKeys.MaxEncodedLength);
        });

        modelBuilder.Entity<JobEntity>(job =>
        {
            job.ToTable("jobs");
            job.HasKey(j => j.Id);
            job.Property(j => j.Id).HasMaxLength(MaxIdLength);
            job.Property(j => j.TrainDatasetId).HasMaxLength(MaxIdLength);
            job.Property(j => j.TestDatasetId).HasMaxLength(MaxIdLength);
            job.Property(j => j.ModelFromJobId).HasMaxLength(MaxIdLength);
            job.Property(j => j.FailureMessage).HasMaxLength(MaxReasonLength);
            job.Property(j => j.Version).IsConcurrencyToken();
            job.HasIndex(j => j.ProjectId);
            job.HasIndex(j => j.State);
            job.HasOne<ProjectEntity>().WithMany().HasForeignKey(j => j.ProjectId).OnDelete(DeleteBehavior.Restrict);
            job.HasOne<DatasetEntity>().WithMany().HasForeignKey(j => j.TrainDatasetId).OnDelete(DeleteBehavior.Restrict);
            job.HasOne<DatasetEntity>().WithMany().HasForeignKey(j => j.TestDatasetId).OnDelete(DeleteBehavior.Restrict);
            job.HasOne<UserEntity>().WithMany().HasForeignKey(j => j.CreatedBy).OnDelete(DeleteBehavior.Restrict);
            job.HasMany(j => j.Datasets).WithOne().HasForeignKey(d => d.JobId).OnDelete(DeleteBehavior.Cascade);
            job.HasMany(j => j.Recipients).WithOne().HasForeignKey(r => r.JobId).OnDelete(DeleteBehavior.Cascade);
            job.HasMany(j => j.Approvals).WithOne().HasForeignKey(a => a.JobId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<JobDatasetEntity>(dataset =>
        {
            dataset.ToTable("job_datasets");
            dataset.HasKey(d => new { d.JobId, d.Position });
            dataset.Property(d => d.JobId).HasMaxLength(MaxIdLength);
            dataset.Property(d => d.DatasetId).HasMaxLength(MaxIdLength);
            dataset.Property(d => d.Name).HasMaxLength(MaxNameLength);
            dataset.Property(d => d.OwnerName).HasMaxLength(MaxUserNameLength);
            dataset.Property(d => d.OwnerKey).HasMaxLength(OwnerKeys.MaxEncodedLength);
            dataset.HasIndex(d => d.DatasetId);
            dataset.HasIndex(d => d.OwnerId);
            dataset.HasOne<DatasetEntity>().WithMany().HasForeignKey(d => d.DatasetId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<JobRecipientEntity>(recipient =>
        {
            recipient.ToTable("job_recipients");
            recipient.HasKey(r => new { r.JobId, r.Position });
            recipient.Property(r => r.JobId).HasMaxLength(MaxIdLength);
            recipient.Property(r => r.UserName).HasMaxLength(MaxUserNameLength);
            recipient.Property(r => r.Key).HasMaxLength(OwnerKeys.MaxEncodedLength);
            recipient.HasIndex(r => r.UserId);
            recipient.HasOne<UserEntity>().WithMany().HasForeignKey(r => r.UserId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<JobApprovalEntity>(approval =>
        {
            approval.ToTable("job_approvals");
            approval.HasKey(a => new { a.JobId, a.KeyFingerprint });
            approval.Property(a => a.JobId).HasMaxLength(MaxIdLength);
            approval.Property(a => a.KeyFingerprint).HasMaxLength(DigestLength);
            approval.Property(a => a.Key).HasMaxLength(OwnerKeys.MaxEncodedLength);
            approval.Property(a => a.Signature).HasMaxLength(ConsentSignature.Length);
            approval.HasOne<UserEntity>().WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<JobLogEntryEntity>(entry =>
        {
            entry.ToTable("job_log_entries");
            entry.HasKey(e => e.Id);
            entry.Property(e => e.Id).ValueGeneratedOnAdd();
            entry.Property(e => e.JobId).HasMaxLength(MaxIdLength);
            entry.Property(e => e.Message).HasMaxLength(MaxLogMessageLength);
            entry.HasIndex(e => new { e.JobId, e.Id });
            entry.HasOne<JobEntity>().WithMany().HasForeignKey(e => e.JobId).OnDelete(DeleteBehavior.Cascade);
        });

        // Not unique on (job, slot): a report deletes the points it replaces and adds its own in one save, and the
        // job row it touches serialises concurrent reports, so a slot holds one point without the provider ordering
        // a delete before an insert.
        modelBuilder.Entity<JobProgressPointEntity>(point =>
        {
            point.ToTable("job_progress_points");
            point.HasKey(p => p.Id);
            point.Property(p => p.Id).ValueGeneratedOnAdd();
            point.Property(p => p.JobId).HasMaxLength(MaxIdLength);
            point.HasIndex(p => new { p.JobId, p.Slot });
            point.HasIndex(p => new { p.JobId, p.Id });
            point.HasOne<JobEntity>().WithMany().HasForeignKey(p => p.JobId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<JobEpochEntity>(epoch =>
        {
            epoch.ToTable("job_epochs");
            epoch.HasKey(e => new { e.JobId, e.Epoch });
            epoch.Property(e => e.JobId).HasMaxLength(MaxIdLength);
            epoch.HasOne<JobEntity>().WithMany().HasForeignKey(e => e.JobId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<AuditCheckpointCopyEntity>(copy =>
        {
            copy.ToTable("audit_checkpoint_copies");
            copy.HasKey(c => c.Sequence);
            copy.Property(c => c.Sequence).ValueGeneratedNever();
            copy.Property(c => c.ChainHash).HasMaxLength(DigestLength);
            copy.Property(c => c.KeyId).HasMaxLength(DigestLength);
            copy.Property(c => c.Signature).HasMaxLength(2 * DigestLength);
            copy.Property(c => c.PreviousDigest).HasMaxLength(DigestLength);
        });

        ApplySnakeCaseNames(modelBuilder.Model);
    }

    // Columns, keys, foreign keys and indexes named from the table and the columns: stable, readable in raw SQL,
    // and the same on both providers.
    private static void ApplySnakeCaseNames(IMutableModel model)
    {
        foreach (IMutableEntityType entity in model.GetEntityTypes())
        {
            string table = entity.GetTableName()!;
            foreach (IMutableProperty property in entity.GetProperties())
            {
                property.SetColumnName(SnakeCase(property.Name));
            }

            entity.FindPrimaryKey()?.SetName($"pk_{table}");
            foreach (IMutableForeignKey foreignKey in entity.GetForeignKeys())
            {
                foreignKey.SetConstraintName($"fk_{table}_{Columns(foreignKey.Properties)}");
            }

            foreach (IMutableIndex index in entity.GetIndexes())
            {
                index.SetDatabaseName($"ix_{table}_{Columns(index.Properties)}");
            }
        }
    }

    private static string Columns(IEnumerable<IMutableProperty> properties) => string.Join('_', properties.Select(p => SnakeCase(p.Name)));

    private static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0)
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private void BumpVersions()
    {
        foreach (var entry in ChangeTracker.Entries<IVersionedEntity>())
        {
            if (entry.State == EntityState.Modified)
            {
                entry.Entity.Version = entry.Property(e => e.Version).OriginalValue + 1;
            }
        }
    }
}
