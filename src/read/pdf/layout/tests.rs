use super::*;

/// A glyph `size` points tall whose top-left corner is at (x, y), as wide as it is tall
/// (a Chinese character) or half as wide (a digit).
fn glyph(c: char, x: f32, y: f32, size: f32) -> Glyph {
    let w = if c.is_ascii() { size * 0.5 } else { size };
    Glyph {
        c,
        x0: x,
        y0: y,
        x1: x + w,
        y1: y + size,
    }
}

fn text(s: &str, x: f32, y: f32, size: f32) -> Vec<Glyph> {
    let mut out = Vec::new();
    let mut at = x;
    for c in s.chars() {
        let g = glyph(c, at, y, size);
        at = g.x1;
        if c != ' ' {
            out.push(g);
        }
    }
    out
}

fn h(y: f32, x0: f32, x1: f32) -> Rule {
    Rule {
        x0,
        y0: y,
        x1,
        y1: y,
    }
}

fn v(x: f32, y0: f32, y1: f32) -> Rule {
    Rule {
        x0: x,
        y0,
        x1: x,
        y1,
    }
}

/// A ruled table: column edges `xs`, row edges `ys`, every border drawn.
fn ruled(xs: &[f32], ys: &[f32]) -> Vec<Rule> {
    let (x0, x1) = (xs[0], *xs.last().unwrap());
    let (y0, y1) = (ys[0], *ys.last().unwrap());
    ys.iter()
        .map(|&y| h(y, x0, x1))
        .chain(xs.iter().map(|&x| v(x, y0, y1)))
        .collect()
}

fn page(glyphs: Vec<Glyph>, rules: Vec<Rule>) -> Page {
    Page {
        width: 595.0,
        height: 842.0,
        glyphs,
        rules,
    }
}

fn lay(pages: Vec<Page>) -> RowWriter {
    write(&Pages { pages })
}

#[test]
fn a_ruled_table_is_read_cell_by_cell_and_a_blank_cell_stays_blank() {
    let xs = [50.0, 200.0, 260.0, 320.0, 380.0];
    let ys = [100.0, 120.0, 140.0];
    let mut g = text("规章", 52.0, 104.0, 10.0);
    g.extend(text("3", 202.0, 104.0, 10.0));
    // 本年废止件数 printed nothing; 现行有效件数 15.
    g.extend(text("15", 322.0, 104.0, 10.0));
    g.extend(text("行政规范性文件", 52.0, 124.0, 10.0));
    g.extend(text("0", 202.0, 124.0, 10.0));
    g.extend(text("1", 262.0, 124.0, 10.0));
    g.extend(text("7", 322.0, 124.0, 10.0));
    let out = lay(vec![page(g, ruled(&xs, &ys))]);
    assert_eq!(
        out.text,
        "规章 | 3 |  | 15 |\n行政规范性文件 | 0 | 1 | 7 |\n"
    );
    // The blank cell's place is its cell's box; a value's, its characters'.
    let blank = out.places[2].2;
    assert_eq!((blank.row, blank.col), (1, 3));
    let b = blank.page.unwrap();
    assert_eq!((b.page, b.x0, b.x1, b.y0, b.y1), (1, 260, 320, 100, 120));
    let fifteen = out.places[3].2.page.unwrap();
    assert_eq!(
        (fifteen.x0, fifteen.x1, fifteen.y0, fifteen.y1),
        (322, 332, 104, 114)
    );
}

#[test]
fn a_label_a_few_points_off_its_figures_baseline_is_one_row() {
    let xs = [50.0, 200.0, 260.0];
    let ys = [100.0, 130.0];
    let mut g = text("规章", 52.0, 110.0, 10.0);
    g.extend(text("12", 202.0, 113.0, 10.0));
    let out = lay(vec![page(g, ruled(&xs, &ys))]);
    assert_eq!(out.text, "规章 | 12 |\n");
}

#[test]
fn a_label_wrapped_in_its_cell_is_joined_and_figures_stay_in_their_columns() {
    let xs = [50.0, 130.0, 170.0];
    let ys = [100.0, 140.0];
    let mut g = text("（二）部分公开（区分", 52.0, 102.0, 7.0);
    g.extend(text("处理的）", 52.0, 112.0, 7.0));
    g.extend(text("9", 150.0, 107.0, 7.0));
    let out = lay(vec![page(g, ruled(&xs, &ys))]);
    assert_eq!(out.text, "（二）部分公开（区分处理的） | 9 |\n");
}

#[test]
fn merged_cells_are_written_once_where_they_start() {
    // A vertical group label spanning two rows (no border between its halves), then a
    // header cell spanning two columns (no border between them) over two figure columns.
    let mut rules = vec![
        h(100.0, 50.0, 250.0),
        h(120.0, 50.0, 250.0),
        h(140.0, 70.0, 250.0),
        h(160.0, 50.0, 250.0),
        v(50.0, 100.0, 160.0),
        v(70.0, 120.0, 160.0),
        v(150.0, 100.0, 160.0),
        v(200.0, 120.0, 160.0),
        v(250.0, 100.0, 160.0),
    ];
    rules.push(v(70.0, 100.0, 120.0));
    let mut g = text("三", 55.0, 125.0, 8.0);
    g.extend(text("果", 55.0, 145.0, 8.0));
    g.extend(text("申请人情况", 160.0, 105.0, 8.0));
    g.extend(text("予以公开", 72.0, 125.0, 8.0));
    g.extend(text("5", 160.0, 125.0, 8.0));
    g.extend(text("部分公开", 72.0, 145.0, 8.0));
    g.extend(text("9", 210.0, 145.0, 8.0));
    let out = lay(vec![page(g, rules)]);
    assert_eq!(
        out.text,
        " |  | 申请人情况 |\n三果 | 予以公开 | 5 |  |\n部分公开 |  | 9 |\n"
    );
}

#[test]
fn a_table_continued_on_the_next_page_is_one_table_and_page_numbers_are_dropped() {
    let xs = [50.0, 200.0, 260.0];
    let p1 = {
        let mut g = text("规章", 52.0, 704.0, 10.0);
        g.extend(text("3", 202.0, 704.0, 10.0));
        g.extend(text("- 1 -", 280.0, 800.0, 10.0));
        page(g, ruled(&xs, &[700.0, 720.0]))
    };
    let p2 = {
        let mut g = text("2", 290.0, 20.0, 9.0);
        g.extend(text("行政许可", 52.0, 84.0, 10.0));
        g.extend(text("7", 202.0, 84.0, 10.0));
        g.extend(text("四、结语", 52.0, 200.0, 10.0));
        page(g, ruled(&xs, &[80.0, 100.0]))
    };
    let out = lay(vec![p1, p2]);
    assert_eq!(out.text, "规章 | 3 |\n行政许可 | 7 |\n四、结语\n");
    assert!(out.places.iter().all(|p| p.2.table == 1));
    let rows: Vec<u32> = out.places.iter().map(|p| p.2.row).collect();
    assert_eq!(rows, [1, 1, 2, 2]);
    assert_eq!(out.places[2].2.page.unwrap().page, 2);
}

#[test]
fn text_outside_tables_is_read_in_lines_down_the_page_around_the_tables() {
    let xs = [50.0, 200.0, 260.0];
    let mut g = text("二、主动公开政府信息情况", 50.0, 80.0, 12.0);
    g.extend(text("规章", 52.0, 104.0, 10.0));
    g.extend(text("3", 202.0, 104.0, 10.0));
    g.extend(text("三、收到申请", 50.0, 140.0, 12.0));
    let out = lay(vec![page(g, ruled(&xs, &[100.0, 120.0]))]);
    assert_eq!(
        out.text,
        "二、主动公开政府信息情况\n规章 | 3 |\n三、收到申请\n"
    );
}

#[test]
fn columns_set_apart_without_rules_stay_apart() {
    let mut g = text("规章", 50.0, 100.0, 10.0);
    g.extend(text("3", 200.0, 100.0, 10.0));
    g.extend(text("15", 260.0, 100.0, 10.0));
    let out = lay(vec![page(g, Vec::new())]);
    let line = out.text.trim_end();
    let cols: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(cols, ["规章", "3", "15"]);
    assert!(line.contains("规章   "), "{line:?}");
}

#[test]
fn the_pipe_inside_a_cell_cannot_forge_a_field() {
    let xs = [50.0, 200.0, 260.0];
    let mut g = text("a|b", 52.0, 104.0, 10.0);
    g.extend(text("3", 202.0, 104.0, 10.0));
    let out = lay(vec![page(g, ruled(&xs, &[100.0, 120.0]))]);
    assert_eq!(out.text, "a｜b | 3 |\n");
}

#[test]
fn a_page_with_too_many_rules_is_read_as_text() {
    let rules: Vec<Rule> = (0..MAX_RULES + 1).map(|i| h(i as f32, 0.0, 10.0)).collect();
    let g = text("规章 3", 50.0, 100.0, 10.0);
    let out = lay(vec![page(g, rules)]);
    assert!(out.places.is_empty());
    assert!(out.text.contains("规章"));
}

#[rstest::rstest]
#[case("- 3 -", 820.0, true)]
#[case("3", 10.0, true)]
#[case("第3页 共5页", 820.0, true)]
#[case("3/5", 820.0, true)]
#[case("3", 400.0, false)]
#[case("2024年", 820.0, false)]
#[case("共5件", 820.0, false)]
fn page_numbers_near_the_edge_are_furniture(
    #[case] s: &str,
    #[case] top: f32,
    #[case] furniture: bool,
) {
    let line = Line {
        top,
        bottom: top + 10.0,
        text: s.into(),
    };
    assert_eq!(is_page_furniture(&line, 842.0), furniture);
}

#[test]
fn a_mesh_too_fine_for_a_table_is_read_as_text() {
    let edges: Vec<f32> = (0..150).map(|i| 10.0 + i as f32 * 5.0).collect();
    let g = text("规章 3", 52.0, 100.0, 10.0);
    let out = lay(vec![page(g, ruled(&edges, &edges))]);
    assert!(out.places.is_empty());
    assert!(out.text.contains("规章"));
}

#[test]
fn a_running_head_does_not_come_between_a_tables_rows() {
    let xs = [50.0, 200.0, 260.0];
    let head = "某区人民政府2024年政府信息公开工作年度报告";
    let p1 = {
        let mut g = text(head, 60.0, 30.0, 9.0);
        g.extend(text("规章", 52.0, 704.0, 10.0));
        g.extend(text("3", 202.0, 704.0, 10.0));
        page(g, ruled(&xs, &[700.0, 720.0]))
    };
    let p2 = {
        let mut g = text(head, 60.0, 30.0, 9.0);
        g.extend(text("行政许可", 52.0, 84.0, 10.0));
        g.extend(text("7", 202.0, 84.0, 10.0));
        page(g, ruled(&xs, &[80.0, 100.0]))
    };
    let out = lay(vec![p1, p2]);
    assert_eq!(out.text, "规章 | 3 |\n行政许可 | 7 |\n");
    // A title printed once at the top of the first page is no running head.
    let once = lay(vec![page(text(head, 60.0, 30.0, 9.0), Vec::new())]);
    assert_eq!(once.text.trim(), head);
}

#[test]
fn bold_faked_by_printing_twice_is_one_character() {
    let xs = [50.0, 200.0, 260.0];
    let mut g = text("规章", 52.0, 104.0, 10.0);
    g.extend(text("1", 202.0, 104.0, 10.0));
    g.extend(text("1", 202.4, 104.0, 10.0));
    g.extend(text("11", 222.0, 104.0, 10.0));
    let out = lay(vec![page(g, ruled(&xs, &[100.0, 120.0]))]);
    // The doubled 1 is one; a real 11 stays two.
    assert_eq!(out.text, "规章 | 1 11 |\n");
}

#[test]
fn a_table_without_its_outer_borders_still_holds_its_edge_columns() {
    // Row rules run from x 50 to 260, column rules only inside: no border at 50 or 260.
    let rules = vec![
        h(100.0, 50.0, 260.0),
        h(120.0, 50.0, 260.0),
        h(140.0, 50.0, 260.0),
        v(200.0, 100.0, 140.0),
    ];
    let mut g = text("规章", 52.0, 104.0, 10.0);
    g.extend(text("3", 202.0, 104.0, 10.0));
    g.extend(text("行政许可", 52.0, 124.0, 10.0));
    g.extend(text("7", 202.0, 124.0, 10.0));
    let out = lay(vec![page(g, rules)]);
    assert_eq!(out.text, "规章 | 3 |\n行政许可 | 7 |\n");
}

#[test]
fn a_box_around_a_paragraph_is_no_table() {
    let mut g = text("本年度收到申请12件。", 52.0, 104.0, 10.0);
    g.extend(text("均已答复。", 52.0, 124.0, 10.0));
    let out = lay(vec![page(g, ruled(&[50.0, 300.0], &[100.0, 140.0]))]);
    assert!(out.places.is_empty());
    assert_eq!(out.text, "本年度收到申请12件。\n均已答复。\n");
}
