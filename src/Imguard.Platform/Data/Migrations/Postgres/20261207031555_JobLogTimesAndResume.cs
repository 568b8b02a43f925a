using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Imguard.Platform.Data.Migrations.Postgres
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
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "received_at",
                table: "job_log_entries",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

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
