//! The roff man page of replan, from clap_mangen. One page holds every command:
//! clap_mangen's own page names `replan-split(1)` and the like, pages replan does
//! not install, so each subcommand's synopsis, description, options and examples
//! go into a COMMANDS section of the main page instead.

use std::io::{self, Write};

use clap_mangen::Man;

/// A clap_mangen section renderer, writing into a buffer.
type Section = fn(&Man, &mut dyn Write) -> io::Result<()>;

/// The whole page for `cmd` (the top-level command, not yet built).
pub fn page(mut cmd: clap::Command) -> io::Result<Vec<u8>> {
    cmd.build();
    let top = Man::new(cmd.clone());
    let mut out = Vec::new();
    top.render_title(&mut out)?;
    top.render_name_section(&mut out)?;
    top.render_synopsis_section(&mut out)?;
    top.render_description_section(&mut out)?;
    top.render_options_section(&mut out)?;
    out.extend_from_slice(b".SH COMMANDS\n");
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let name = sub.get_bin_name().unwrap_or_else(|| sub.get_name());
        writeln!(out, ".SS \"{}\"", name.replace('\\', "\\e"))?;
        // The shared options are on the page once, under OPTIONS.
        let own = sub.clone().mut_args(|a| {
            if a.is_global_set() || a.get_id() == "help" {
                a.hide(true)
            } else {
                a
            }
        });
        let man = Man::new(own);
        let sections: [Section; 4] = [
            Man::render_description_section,
            Man::render_synopsis_section,
            Man::render_options_section,
            Man::render_extra_section,
        ];
        for render in sections {
            out.extend_from_slice(b".PP\n");
            out.extend(without_heading(&man, render)?);
        }
    }
    // The top-level long help holds the exit codes every command shares.
    if cmd.get_after_long_help().is_some() || cmd.get_after_help().is_some() {
        out.extend_from_slice(b".SH \"EXIT STATUS\"\n");
        out.extend(without_heading(&top, Man::render_extra_section)?);
    }
    top.render_version_section(&mut out)?;
    Ok(out)
}

/// A section's body without its `.SH` line, to sit under a `.SS`, and without the
/// string definitions every rendering repeats (the page's first lines hold them).
/// Only control lines start with a bare `.`: roff escapes text lines that would.
fn without_heading(man: &Man, render: Section) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    render(man, &mut buf)?;
    let text = String::from_utf8_lossy(&buf);
    Ok(text
        .lines()
        .filter(|l| !l.starts_with(".SH") && !l.starts_with(".ie ") && !l.starts_with(".el "))
        .flat_map(|l| [l, "\n"])
        .collect::<String>()
        .into_bytes())
}
