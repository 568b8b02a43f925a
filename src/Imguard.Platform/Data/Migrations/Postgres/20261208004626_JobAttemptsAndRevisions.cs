using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Imguard.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class JobAttemptsAndRevisions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "attempt",
                table: "jobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "revision",
                table: "jobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "start_over",
                table: "jobs",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "attempt",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "revision",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "start_over",
                table: "jobs");
        }
    }
}
