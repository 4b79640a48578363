"""The programme-level figures the seed documents print for Seoul-type R&D, loaded as such
(marked by their source file, page and line); nothing here is computed or invented.

- seed 003 (민선6기 공약 실천계획), page "- 368 -", line 533:
  "’14년 산학연 협력사업(서울형 R&D 지원실적 : 64개 과제 149억 지원)"
- seed 001 (제5차 지방과학기술진흥종합계획 서울특별시 추진계획, 2017. 10.), Ⅰ-2 "제4차 종합계획의
  성과 및 한계" (page 4 of its contents), line 5 of the text: the 4th plan's main projects
  (서울형 R&D지원사업 147억원 in 2015, 서울시 R&D지원사업 189억원 in 2016), its main results
  (시제품 제작 110건 in 2014, 44건 in 2015) and the projects of 서울형 R&D지원사업 per programme
  in 2015 and 2016.
"""

from django.db import migrations

S1 = "001_a43e24d910e99ac0.txt"
S3 = "003_f04f8081098ea554.txt"
URBAN = "도시문제해결 R&D"
# (label, programme_name, year, measure, value, source, page, line, quote)
FIGURES = [
    ("서울형 R&D(산학연 협력사업)", "", 2014, "projects", 64, S3, "368", 533,
     "’14년 산학연 협력사업(서울형 R&D 지원실적 : 64개 과제 149억 지원)"),
    ("서울형 R&D(산학연 협력사업)", "", 2014, "funds_won", 14_900_000_000, S3, "368", 533,
     "’14년 산학연 협력사업(서울형 R&D 지원실적 : 64개 과제 149억 지원)"),
    ("서울형 R&D(시제품 제작)", "", 2014, "prototypes", 110, S1, "4", 5,
     "2014년 ?시제품 제작 110건"),
    ("서울형 R&D(시제품 제작)", "", 2015, "prototypes", 44, S1, "4", 5,
     "2015년 ? 시제품제작 44건"),
    ("서울형 R&D지원사업", "", 2015, "funds_won", 14_700_000_000, S1, "4", 5,
     "2015년 … ?서울형 R&D지원사업(147억원)"),
    ("서울시 R&D지원사업", "", 2016, "funds_won", 18_900_000_000, S1, "4", 5,
     "2016년 ?서울시 R&D지원사업(189억원)"),
]
PROJECTS_2015 = [("도시문제 해결 사업", URBAN, 7), ("대학·지역사회 협력", "", 10),
                 ("특화산업고도화 지원", "", 4), ("중소기업기술개발", "", 20),
                 ("제품기획 지원", "", 10), ("특허상용화플랫폼", "", 3)]
PROJECTS_2016 = [("기업성장 R&D지원", "", 26), ("R&D 기획지원", "", 12),
                 ("특화산업고도화 지원", "", 8), ("시장진출제품지원", "", 21),
                 ("도시문제 해결 사업", URBAN, 10), ("특허상용화플랫폼", "", 3),
                 ("도심산업생태계구축", "", 1), ("대학·지역사회 협력", "", 2)]
for year, rows in ((2015, PROJECTS_2015), (2016, PROJECTS_2016)):
    for label, programme, count in rows:
        FIGURES.append((label, programme, year, "projects", count, S1, "4", 5,
                        f"{year}년 ?서울형 R&D지원사업 -{label} {count}개"))


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    figure = apps.get_model("grants", "PrintedFigure")
    for label, programme, year, measure, value, source, page, line, quote in FIGURES:
        figure.objects.update_or_create(
            label=label, year=year, measure=measure,
            defaults={"programme_name": programme, "value": value, "source": source,
                      "page": page, "line": line, "quote": quote})


def unload(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("grants", "PrintedFigure").objects.filter(
        source__in=[S1, S3]).delete()


class Migration(migrations.Migration):
    dependencies = [("grants", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
