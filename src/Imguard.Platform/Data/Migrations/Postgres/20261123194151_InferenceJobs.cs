using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Imguard.Platform.Data.Migrations.Postgres
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
                type: "character varying(40)",
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
