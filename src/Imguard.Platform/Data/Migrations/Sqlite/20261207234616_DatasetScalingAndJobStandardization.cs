using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Imguard.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DatasetScalingAndJobStandardization : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "standardization_json",
                table: "jobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "standardization_statistics_json",
                table: "jobs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "disclosed_statistics_json",
                table: "datasets",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "scaling",
                table: "datasets",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "own");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "standardization_json",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "standardization_statistics_json",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "disclosed_statistics_json",
                table: "datasets");

            migrationBuilder.DropColumn(
                name: "scaling",
                table: "datasets");
        }
    }
}
