using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Imguard.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DatasetOwnerKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<byte[]>(
                name: "owner_key",
                table: "datasets",
                type: "BLOB",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "owner_key",
                table: "dataset_half_reports",
                type: "BLOB",
                maxLength: 256,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "owner_key",
                table: "datasets");

            migrationBuilder.DropColumn(
                name: "owner_key",
                table: "dataset_half_reports");
        }
    }
}
