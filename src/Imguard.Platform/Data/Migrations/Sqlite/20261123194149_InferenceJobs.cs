using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Imguard.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InferenceJobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "model_from_job_id",
                table: "jobs",
                type: "TEXT",
                maxLength: 40,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "model_from_job_id",
                table: "jobs");
        }
    }
}
