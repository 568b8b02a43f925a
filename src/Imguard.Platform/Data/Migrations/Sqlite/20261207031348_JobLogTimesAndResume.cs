using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Imguard.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class JobLogTimesAndResume : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "resumed_from_epoch",
                table: "jobs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "received_at",
                table: "job_log_entries",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            // Lines stored before this migration were timed on receipt: that time is their receipt time too.
            migrationBuilder.Sql("UPDATE job_log_entries SET received_at = time;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "resumed_from_epoch",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "received_at",
                table: "job_log_entries");
        }
    }
}
