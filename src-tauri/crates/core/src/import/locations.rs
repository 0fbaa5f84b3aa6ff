//! Where plaintext tokens usually live on a developer's machine: the files the app's "Find
//! tokens on this machine" scans. The caller passes the home and config folders; nothing here
//! reads the environment or the disk.

use std::path::{Path, PathBuf};

use super::FileFormat;

/// One usual place: the file, how to show it (`~/.npmrc`), and its format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub shown: String,
    pub format: FileFormat,
}

/// `~/.npmrc`, `~/.netrc`, gh's `hosts.yml` and `~/.env`, in that order. gh keeps its hosts in
/// `$XDG_CONFIG_HOME/gh` when that variable is an absolute path, else in `~/.config/gh`.
pub fn usual_locations(home: &Path, xdg_config_home: Option<&Path>) -> Vec<Location> {
    let config = xdg_config_home
        .filter(|p| p.is_absolute())
        .map_or_else(|| home.join(".config"), Path::to_path_buf);
    [
        (home.join(".npmrc"), FileFormat::Npmrc),
        (home.join(".netrc"), FileFormat::Netrc),
        (config.join("gh").join("hosts.yml"), FileFormat::GhHosts),
        (home.join(".env"), FileFormat::Dotenv),
    ]
    .into_iter()
    .map(|(path, format)| Location {
        shown: shown(home, &path),
        path,
        format,
    })
    .collect()
}

/// `path` with the home folder written `~`, as people know these files.
fn shown(home: &Path, path: &Path) -> String {
    match path.strip_prefix(home) {
        Ok(rest) => format!("~/{}", rest.display()),
        Err(_) => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usual_files_in_home_and_gh_in_its_config_folder() {
        let home = Path::new("/home/ada");
        let shown: Vec<String> = usual_locations(home, None)
            .into_iter()
            .map(|l| l.shown)
            .collect();
        assert_eq!(
            shown,
            ["~/.npmrc", "~/.netrc", "~/.config/gh/hosts.yml", "~/.env"],
            "the scan should list the files people know, written with ~"
        );
        let xdg = usual_locations(home, Some(Path::new("/cfg")));
        assert_eq!(xdg[2].path, Path::new("/cfg/gh/hosts.yml"));
        assert_eq!(xdg[2].shown, "/cfg/gh/hosts.yml");
        let relative = usual_locations(home, Some(Path::new("cfg")));
        assert_eq!(
            relative[2].shown, "~/.config/gh/hosts.yml",
            "a relative XDG_CONFIG_HOME is ignored, as the spec says"
        );
    }
}
