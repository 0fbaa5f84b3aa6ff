fn main() {
    // Our own commands get generated `allow-*` permissions; capabilities grant them one by one.
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(
        tauri_build::AppManifest::new().commands(&[
            "list_tokens",
            "list_providers",
            "inspect_token",
            "add_token",
            "update_token",
            "delete_token",
            "token_detail",
            "reveal_token",
            "copy_token",
            "keyring_health",
            "get_settings",
            "set_settings",
            "open_provider_link",
            "notification_health",
            "parse_leads",
            "format_leads",
            "check_shape",
            "check_token",
            "revoke_token",
            "mark_revoked",
            "rotate_token",
            "add_replacement",
            "finish_replacement",
            "list_profiles",
            "save_profile",
            "start_login",
            "cancel_login",
            "open_login_page",
            "refresh_token",
            "introspect_token",
        ]),
    ))
    .expect("tauri build configuration is valid");
}
