package pages

import (
	"testing"

	"github.com/reductotray/reducto-tray/jobs/reducto/reductotest"
)

// TestRenderDrawsFilledFormFields: a filled AcroForm's values are drawn
// (PDFium's form layer), so an edit's filled document shows what was
// filled in; the blank form's field is empty.
func TestRenderDrawsFilledFormFields(t *testing.T) {
	blank, err := reductotest.FormPDF("Form", "Name")
	if err != nil {
		t.Fatal(err)
	}
	filled := reductotest.FillForm(blank, "Name: WWWWWWWWWWWWWW")
	dark := func(pdf []byte) int {
		t.Helper()
		ctx := ctxT(t)
		d, err := shared.Open(ctx, writeFile(t, "form.pdf", pdf))
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		img, err := d.Render(ctx, 0, 1190) // A4: 2 px per point
		if err != nil {
			t.Fatal(err)
		}
		// The Name field: x 170..470 pt, its line 700..714 pt from the
		// bottom of the 842 pt page.
		n := 0
		for y := (842 - 716) * 2; y < (842-698)*2; y++ {
			for x := 172 * 2; x < 400*2; x++ {
				if isDark(img.RGBAAt(x, y)) {
					n++
				}
			}
		}
		return n
	}
	if n := dark(blank); n != 0 {
		t.Fatalf("the blank field has %d dark pixels", n)
	}
	if n := dark(filled); n < 100 {
		t.Errorf("the filled field has %d dark pixels: its value is not drawn", n)
	}
}
