using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Imguard.Audit.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditDeliveryIds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "event_id",
                table: "audit_records",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "sender",
                table: "audit_records",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ux_audit_records_sender_event_id",
                table: "audit_records",
                columns: new[] { "sender", "event_id" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_audit_records_sender_event_id",
                table: "audit_records");

            migrationBuilder.DropColumn(
                name: "event_id",
                table: "audit_records");

            migrationBuilder.DropColumn(
                name: "sender",
                table: "audit_records");
        }
    }
}
